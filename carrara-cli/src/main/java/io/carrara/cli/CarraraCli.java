package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.client.CarraraClient;
import io.carrara.client.Credentials;
import io.carrara.spi.error.CarraraException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code carrara} command line. Every command is a call to the HTTP API through
 * {@link CarraraClient}, but {@code score}, which runs a saved pipeline in this process; results
 * go to stdout, errors and progress to stderr.
 */
@Command(
        name = "carrara",
        mixinStandardHelpOptions = true,
        versionProvider = CarraraCli.Version.class,
        description = "Carries trained models to production and keeps them honest there.",
        subcommands = {
            ProjectCommand.class,
            ModelCommand.class,
            InstanceCommand.class,
            MetricCommand.class,
            SearchCommand.class,
            LineageCommand.class,
            ScoreCommand.class,
            PredictCommand.class,
            FeatureCommand.class,
            DeployCommand.class,
            DeploymentCommand.class,
            TableCommand.class,
            BatchCommand.class,
            WorkflowCommand.class,
            PythonCommand.class,
            UserCommand.WhoAmICommand.class,
            UserCommand.class,
            TokenCommand.class,
            LoginCommand.class,
            AuditCommand.class,
            RulesCommand.class,
            MonitorCommand.class,
            OutcomesCommand.class
        },
        footerHeading = "%nServer, through the ./carrara launcher:%n",
        footer = {
            "  ./carrara up [--home DIR] [--port N]  start a server (built on first run)",
            "  ./carrara config show                 print the server's effective settings"
        })
public final class CarraraCli implements Runnable {
    static final String DEFAULT_SERVER = "http://localhost:8080";

    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", scope = ScopeType.INHERIT,
            defaultValue = "${env:CARRARA_SERVER:-" + DEFAULT_SERVER + "}",
            description = "Carrara server to talk to (default: $CARRARA_SERVER, else " + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--user", paramLabel = "NAME", scope = ScopeType.INHERIT,
            defaultValue = "${env:CARRARA_USER:-${sys:user.name}}",
            description = "Who is recorded as creator by a server that does not check tokens (default: $CARRARA_USER,"
                    + " else the OS user name); given to 'token list' or 'audit', whose tokens or records to show.")
    String user;

    @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.INHERIT,
            description = "API token sent as 'Authorization: Bearer TOKEN' (default: $CARRARA_TOKEN, then the"
                    + " credentials file written by 'carrara login', then, for a server on this machine, the embedded"
                    + " server's $CARRARA_HOME/admin-token).")
    String token;

    @Option(names = "--ca-cert", paramLabel = "PEM", scope = ScopeType.INHERIT,
            defaultValue = "${env:CARRARA_CA_CERT:-}",
            description = "Trust the certificates in this PEM file for an https server (its self-signed certificate or"
                    + " private CA) instead of the JVM's trust store (default: $CARRARA_CA_CERT).")
    String caCert;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    /** Where credentials are looked up; a test sets its own instead of the process's. */
    Map<String, String> environment = System.getenv();
    Path userHome = Path.of(System.getProperty("user.home"));
    /** Where {@code carrara login} reads a token when neither --token nor a console gives one. */
    InputStream stdin = System.in;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CarraraCli()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** A client of --server with the token {@link Credentials#resolve} finds (--token first). */
    CarraraClient client() {
        URI uri = serverUri();
        return client(Credentials.resolve(uri, token, environment, userHome).orElse(null));
    }

    /** A client of --server with exactly this token (none when null), e.g. the one {@code carrara login} checks. */
    CarraraClient client(String token) {
        CarraraClient.Builder builder = CarraraClient.builder(serverUri())
                .user(user == null || user.isBlank() ? null : user)
                .token(token);
        if (caCert != null && !caCert.isBlank()) {
            builder.trustedCertificates(Path.of(caCert));
        }
        return builder.build();
    }

    URI serverUri() {
        try {
            return URI.create(server);
        } catch (IllegalArgumentException e) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "--server '" + server + "' is not a URL like " + DEFAULT_SERVER, "server");
        }
    }

    /** The token given with --token, if any; {@code carrara login} wants it and nothing else. */
    String explicitToken() {
        return token;
    }

    boolean verbose() {
        return verbose;
    }

    /** This CLI's version, from the jar's manifest, or {@code dev} when running from classes. */
    static String version() {
        String version = CarraraCli.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Reports the version from the jar's manifest, or {@code dev} when running from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"carrara " + version()};
        }
    }
}
