package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.api.access.WhoAmI;
import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraClientException;
import io.carrara.client.Credentials;
import io.carrara.spi.error.CarraraException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/**
 * {@code carrara login}: checks a token with the server, then saves it in the credentials file for
 * this server, where every later command (and the Python SDK) finds it.
 */
@Command(name = "login", description = {
    "Save an API token for --server in the credentials file ($CARRARA_CONFIG_DIR/credentials.json, else"
            + " $XDG_CONFIG_HOME/carrara/credentials.json, else ~/.config/carrara/credentials.json), after checking it"
            + " with the server. The token comes from --token, else is read from the terminal (or one line of stdin)."})
final class LoginCommand extends ClientCommand {

    @Override
    void execute(CarraraClient ignored) {
        CarraraCli root = root();
        URI server = root.serverUri();
        String key = Credentials.serverKey(server);
        String token = root.explicitToken();
        if (token == null || token.isBlank()) {
            token = readToken(root, key);
        }
        if (token == null || token.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "no token given: pass --token TOKEN or type it when asked"
                    + " (an admin makes one with 'carrara token create --for-user NAME')", "token");
        }
        WhoAmI me;
        try {
            me = root.client(token).access().whoami();
        } catch (CarraraClientException e) {
            if ("UNAUTHENTICATED".equals(e.code()) || e.httpStatus() == 401) {
                throw new CarraraClientException(e.code(), "Carrara at " + key + " refused the token (" + e.getMessage()
                        + "); nothing saved", null, e.httpStatus(), e);
            }
            throw e;
        }
        if (!me.authenticationEnabled()) {
            throw new CarraraException(INVALID_ARGUMENT, "Carrara at " + key + " has authentication off and does not"
                    + " check tokens; nothing saved");
        }
        Path file = Credentials.save(server, token, me.user(), root.environment, root.userHome);
        out().println("logged in to " + key + " as " + me.user() + " (token saved in " + file + ")");
    }

    /** A refused token is reported as such: the usual advice to run 'carrara login' would go round in circles. */
    @Override
    String unauthenticatedHint() {
        return "";
    }

    private String readToken(CarraraCli root, String key) {
        Console console = System.console();
        // A test, or a caller, that gave its own stdin wants it read rather than the terminal.
        if (console != null && root.stdin == System.in) {
            char[] typed = console.readPassword("token for %s: ", key);
            return typed == null ? null : new String(typed).strip();
        }
        try {
            String line = new BufferedReader(new InputStreamReader(root.stdin, StandardCharsets.UTF_8)).readLine();
            return line == null ? null : line.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token from stdin: " + e.getMessage(), e);
        }
    }
}
