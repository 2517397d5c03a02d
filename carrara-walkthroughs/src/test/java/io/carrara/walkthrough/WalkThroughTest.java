package io.carrara.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.walkthrough.WalkThrough.CodeBlock;
import org.junit.jupiter.api.Test;

class WalkThroughTest {

    @Test
    void readsEveryFencedBlockWithItsHeadingLineAndMarking() {
        WalkThrough walkThrough = WalkThrough.parse("guide.md", """
                # Guide

                ```sh
                ./carrara up
                ```

                ## Using `it`

                <!-- illustration: another database -->
                ```sh
                ./carrara up --set database.url=jdbc:postgresql://db/carrara
                ```

                <!-- file: examples/trips/workflow.yaml -->
                ```yaml
                name: trips-daily
                ```

                - in a list:

                  ```bash title="two words"
                  echo one
                  echo two
                  ```
                """);

        assertThat(walkThrough.blocks()).containsExactly(
                new CodeBlock(1, "Guide", 4, "sh", "./carrara up\n", null, null),
                new CodeBlock(2, "Using it", 11, "sh", "./carrara up --set database.url=jdbc:postgresql://db/carrara\n",
                        "another database", null),
                new CodeBlock(3, "Using it", 16, "yaml", "name: trips-daily\n", null, "examples/trips/workflow.yaml"),
                new CodeBlock(4, "Using it", 22, "bash", "echo one\necho two\n", null, null));
        assertThat(walkThrough.steps()).extracting(CodeBlock::index).containsExactly(1, 4);
        assertThat(walkThrough.blocks().get(1).describe()).isEqualTo("block 2 (\"Using it\", line 11)");
    }

    @Test
    void otherCommentsAreNotMarkers() {
        WalkThrough walkThrough = WalkThrough.parse("guide.md", """
                <!-- TODO: a picture -->

                Text.

                ```sh
                echo step
                ```
                """);

        assertThat(walkThrough.steps()).hasSize(1);
    }

    @Test
    void refusesAnIndentedCodeBlock() {
        assertThatThrownBy(() -> WalkThrough.parse("README.md", "# Title\n\nRun:\n\n    ./carrara up\n"))
                .hasMessageStartingWith("README.md line 5: an indented code block; use a fenced block with a language");
    }

    @Test
    void refusesAFenceWithoutALanguage() {
        assertThatThrownBy(() -> WalkThrough.parse("README.md", "Run:\n\n```\n./carrara up\n```\n"))
                .hasMessageStartingWith("README.md line 3: a fenced code block without a language");
    }

    @Test
    void refusesAMisspeltMarkerRatherThanRunTheBlock() {
        assertThatThrownBy(() -> WalkThrough.parse("README.md", "<!-- ilustration: S3 -->\n```sh\n./carrara up --set blobs.type=s3\n```\n"))
                .hasMessageStartingWith("README.md line 1: a comment right before a code block must be a marker");
        assertThatThrownBy(() -> WalkThrough.parse("README.md", "<!-- illustration -->\n```sh\nmvn -B verify\n```\n"))
                .hasMessageStartingWith("README.md line 1: a comment right before a code block must be a marker");
        assertThatThrownBy(() -> WalkThrough.parse("README.md", "<!-- illustration: -->\n```sh\nmvn -B verify\n```\n"))
                .hasMessageStartingWith("README.md line 1: the marker <!-- illustration: … --> needs a reason");
    }

    @Test
    void refusesAMarkerThatIsNotRightBeforeABlock() {
        assertThatThrownBy(() -> WalkThrough.parse("README.md", "<!-- illustration: S3 -->\n\nSome text.\n\n```sh\nmvn -B verify\n```\n"))
                .hasMessageStartingWith("README.md line 1: the marker <!-- illustration: … --> must be right before a fenced code block");
    }

    @Test
    void refusesStepsThatJoinCommandsWithAndOrOr() {
        assertThatThrownBy(() -> WalkThrough.parse("README.md", "```sh\necho one \\\n  two\n./carrara project create demo && ./carrara model create demo/trips\n```\n"))
                .hasMessageStartingWith("README.md line 4: a step joins commands with && or ||");

        WalkThrough allowed = WalkThrough.parse("README.md", """
                ```sh
                ./carrara search "a = 'x' || b"   # in quotes && in a comment
                python3 -c 'print(1 if True
                  or False else 2) # || '
                ```

                <!-- illustration: shows a shortcut -->
                ```sh
                ./carrara up && ./carrara project list
                ```
                """);
        assertThat(allowed.blocks()).hasSize(2);
    }

    @Test
    void findsListOperatorsOnTheirLine() {
        assertThat(WalkThrough.listOperatorLine("a\nb || c\n")).isEqualTo(1);
        assertThat(WalkThrough.listOperatorLine("a 'x\n&& y'\nb\n")).isEqualTo(-1);
        assertThat(WalkThrough.listOperatorLine("a \\\n  b\nc&&d\n")).isEqualTo(2);
        assertThat(WalkThrough.listOperatorLine("a | b > c &\n")).isEqualTo(-1);
    }
}
