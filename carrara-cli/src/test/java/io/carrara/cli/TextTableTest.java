package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void alignsColumnsWithoutTrailingSpaces() {
        String printed = print(TextTable.withHeader("id", "model", "deprecated")
                .row("1", "demand/eta", "no")
                .row("22", "demand/supply_rejection", "yes"));

        assertThat(printed).isEqualTo("""
                id  model                    deprecated
                1   demand/eta               no
                22  demand/supply_rejection  yes
                """);
    }

    @Test
    void showsMissingValuesAsDashSoColumnsNeverShift() {
        String printed = print(TextTable.withHeader("a", "b", "c").row(null, "", "x"));

        assertThat(printed.lines()).containsExactly("a  b  c", "-  -  x");
    }

    @Test
    void keepsEachRowOnOneLine() {
        String printed = print(TextTable.keyValue().row("description", "two\nlines\tand a tab"));

        assertThat(printed).isEqualTo("description  two lines and a tab\n");
    }

    private static String print(TextTable table) {
        StringWriter text = new StringWriter();
        table.print(new PrintWriter(text, true));
        return text.toString().replace(System.lineSeparator(), "\n");
    }
}
