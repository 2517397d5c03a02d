package io.carrara.cli;

import static java.util.Objects.requireNonNull;

import io.carrara.client.TransferProgress;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for a blob transfer, drawn only when stderr is a terminal and the
 * transfer is large enough to be worth watching, so that stdout stays clean for scripts and logs
 * get no carriage-return noise.
 */
final class TransferBar implements TransferProgress, AutoCloseable {
    /** Set by the {@code carrara} launcher, which can ask the shell whether stderr is a terminal. */
    static final String STDERR_TERMINAL_PROPERTY = "carrara.stderr.terminal";
    static final long MINIMUM_BYTES = 1024 * 1024;

    private final String task;
    private final PrintWriter err;
    private final boolean enabled;
    private volatile ProgressBar bar;
    private volatile WriterConsumer consumer;

    private TransferBar(String task, PrintWriter err, boolean enabled) {
        this.task = requireNonNull(task, "task is null");
        this.err = requireNonNull(err, "err is null");
        this.enabled = enabled;
    }

    static TransferBar on(PrintWriter err, String task) {
        return new TransferBar(task, err, stderrIsTerminal());
    }

    @Override
    public void start(long totalBytes) {
        if (enabled && totalBytes >= MINIMUM_BYTES && bar == null) {
            consumer = new WriterConsumer(err);
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(totalBytes)
                    .setUnit("MiB", 1024 * 1024)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .showSpeed()
                    .setConsumer(consumer)
                    .build();
        }
    }

    @Override
    public void accept(long bytesTransferred) {
        ProgressBar current = bar;
        if (current != null) {
            current.stepTo(bytesTransferred);
        }
    }

    @Override
    public void close() {
        ProgressBar current = bar;
        if (current != null) {
            current.close();
            consumer.endLine();
        }
    }

    static boolean stderrIsTerminal() {
        String flag = System.getProperty(STDERR_TERMINAL_PROPERTY);
        if (flag != null) {
            return Boolean.parseBoolean(flag);
        }
        // Java 17 cannot ask about stderr alone; a console means at least stdin and stdout are a terminal.
        return System.console() != null;
    }

    /** Redraws the bar in place on the command's stderr writer. */
    static final class WriterConsumer implements ProgressBarConsumer {
        private final PrintWriter err;
        private volatile boolean drawn;
        private volatile boolean closed;

        WriterConsumer(PrintWriter err) {
            this.err = err;
        }

        /**
         * Ends the bar's line if the library has not: a bar closed before its first scheduled redraw
         * is drawn once and never closed, and the next output would continue its line.
         */
        void endLine() {
            if (drawn && !closed) {
                close();
            }
        }

        @Override
        public int getMaxRenderedLength() {
            String columns = System.getenv("COLUMNS");
            try {
                return columns == null ? 80 : Math.max(40, Integer.parseInt(columns.trim()) - 1);
            } catch (NumberFormatException e) {
                return 80;
            }
        }

        @Override
        public void accept(String rendered) {
            drawn = true;
            err.print('\r');
            err.print(rendered);
            err.flush();
        }

        @Override
        public void close() {
            closed = true;
            err.println();
            err.flush();
        }
    }
}
