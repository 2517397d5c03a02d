package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class JobBarTest {
    @Test
    void drawsTasksAndPhaseWhenEnabled() {
        StringWriter err = new StringWriter();
        try (JobBar bar = new JobBar("batch", new PrintWriter(err), true)) {
            bar.update(0, 0, "queued");
            bar.update(3, 8, "scoring");
            bar.update(8, 8, "done");
        }

        assertThat(err.toString()).contains("batch").contains("8/8").contains("done").endsWith(System.lineSeparator());
    }

    @Test
    void drawsNothingWhenDisabled() {
        StringWriter err = new StringWriter();
        try (JobBar bar = new JobBar("batch", new PrintWriter(err), false)) {
            bar.update(3, 8, "scoring");
        }

        assertThat(err.toString()).isEmpty();
    }
}
