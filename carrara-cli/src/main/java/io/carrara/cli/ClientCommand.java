package io.carrara.cli;

import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraClientException;
import io.carrara.spi.error.CarraraException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the server. It turns every failure into one line on stderr,
 * {@code error: <message> (field: x)}, and exit code 1; a stack trace appears only with
 * {@code --verbose}. A call refused for want of credentials ends with how to give some; one refused
 * for want of a role starts {@code permission denied:}. Errors in the command line itself stay
 * picocli's (exit code 2).
 */
@Command(mixinStandardHelpOptions = true, versionProvider = CarraraCli.Version.class)
abstract class ClientCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final String CREDENTIALS_HINT = " — pass --token, set CARRARA_TOKEN or run 'carrara login'";

    @Spec
    CommandSpec spec;

    /** What {@link #call} returns when {@link #execute} completes; a command whose rows partly failed sets {@link #FAILED}. */
    int exitCode = OK;

    /** Does the work, writing results to {@link #out()}. */
    abstract void execute(CarraraClient client) throws Exception;

    @Override
    public final Integer call() {
        CarraraCli root = root();
        try {
            execute(root.client());
            return exitCode;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (CarraraException e) {
            String code = e instanceof CarraraClientException refused ? refused.code() : null;
            // The server's message says which role is missing; the line should also say that it was refused.
            String prefix = "PERMISSION_DENIED".equals(code) ? "permission denied: " : "";
            String hint = "UNAUTHENTICATED".equals(code) ? unauthenticatedHint() : "";
            return report(prefix + e.getMessage() + e.field().map(field -> " (field: " + field + ")").orElse("") + hint, e, root);
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

    CarraraCli root() {
        return (CarraraCli) spec.root().userObject();
    }

    /**
     * The global {@code --user} when it was given on the command line (before or after the subcommand),
     * not its default: {@code token list} and {@code audit} read it as whose tokens or records to show.
     */
    Optional<String> explicitUser() {
        for (CommandLine.ParseResult result = spec.root().commandLine().getParseResult(); result != null;
                result = result.subcommand()) {
            if (result.hasMatchedOption("--user")) {
                String user = root().user;
                return user == null || user.isBlank() ? Optional.empty() : Optional.of(user);
            }
        }
        return Optional.empty();
    }

    /** What ends the error line of a call refused for want of credentials. */
    String unauthenticatedHint() {
        return CREDENTIALS_HINT;
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
