package io.carrara.cli;

import io.carrara.client.CarraraClient;
import io.carrara.spi.error.CarraraException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the server. It turns every failure into one line on stderr,
 * {@code error: <message> (field: x)}, and exit code 1; a stack trace appears only with
 * {@code --verbose}. Errors in the command line itself stay picocli's (exit code 2).
 */
@Command(mixinStandardHelpOptions = true, versionProvider = CarraraCli.Version.class)
abstract class ClientCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    /** What {@link #call} returns when {@link #execute} completes; a command whose rows partly failed sets {@link #FAILED}. */
    int exitCode = OK;

    /** Does the work, writing results to {@link #out()}. */
    abstract void execute(CarraraClient client) throws Exception;

    @Override
    public final Integer call() {
        CarraraCli root = (CarraraCli) spec.root().userObject();
        try {
            execute(root.client());
            return exitCode;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (CarraraException e) {
            return report(e.getMessage() + e.field().map(field -> " (field: " + field + ")").orElse(""), e, root);
        } catch (UncheckedIOException e) {
            return report(e.getMessage(), e, root);
        } catch (Exception e) {
            // Not expected: name the exception so that a bug report says what happened.
            String message = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return report(message + (root.verbose() ? "" : " (run with --verbose for details)"), e, root);
        } finally {
            out().flush();
            err().flush();
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private int report(String message, Exception e, CarraraCli root) {
        err().println("error: " + message);
        if (root.verbose()) {
            e.printStackTrace(err());
        }
        return FAILED;
    }
}
