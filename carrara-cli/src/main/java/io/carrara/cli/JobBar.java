package io.carrara.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for work the server does while the CLI polls it (a batch job's Spark
 * tasks, a workflow run's steps, a backfill's runs), with the current phase as its message. Like
 * {@link TransferBar} it is drawn only when stderr is a terminal, so logs and scripts see none.
 */
final class JobBar implements AutoCloseable {
    private final String task;
    private final PrintWriter err;
    private final boolean enabled;
    private ProgressBar bar;
    private TransferBar.WriterConsumer consumer;

    JobBar(String task, PrintWriter err, boolean enabled) {
        this.task = requireNonNull(task, "task is null");
        this.err = requireNonNull(err, "err is null");
        this.enabled = enabled;
    }

    static JobBar on(PrintWriter err, String task) {
        return new JobBar(task, err, TransferBar.stderrIsTerminal());
    }

    /** {@code done} of {@code total} units, where a total of 0 means not known yet (the bar then shows no percentage). */
    void update(long done, long total, String message) {
        if (!enabled) {
            return;
        }
        if (bar == null) {
            consumer = new TransferBar.WriterConsumer(err);
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total > 0 ? total : -1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(consumer)
                    .build();
        }
        if (total > 0 && bar.getMax() != total) {
            bar.maxHint(total);
        }
        bar.stepTo(Math.max(0, done));
        bar.setExtraMessage(message == null ? "" : message);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            consumer.endLine();
            bar = null;
        }
    }
}
