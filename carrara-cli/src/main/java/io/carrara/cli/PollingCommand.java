package io.carrara.cli;

import picocli.CommandLine.Option;

/**
 * A command that starts work the server does in the background and, unless {@code --no-wait},
 * follows it by asking for its state every {@code --poll-interval} milliseconds (hidden: tests
 * shorten it; people have no reason to).
 */
abstract class PollingCommand extends ClientCommand {
    static final long DEFAULT_POLL_MILLIS = 500;

    @Option(names = "--poll-interval", hidden = true, paramLabel = "MILLIS", defaultValue = "" + DEFAULT_POLL_MILLIS,
            description = "Milliseconds between status checks while waiting (default: ${DEFAULT-VALUE}).")
    long pollMillis = DEFAULT_POLL_MILLIS;

    /** Waits one poll interval. */
    void pause() throws InterruptedException {
        Thread.sleep(Math.max(1, pollMillis));
    }
}
