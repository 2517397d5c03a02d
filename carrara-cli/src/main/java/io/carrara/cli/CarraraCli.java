package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.client.CarraraClient;
import io.carrara.spi.error.CarraraException;
import java.net.URI;
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
            PythonCommand.class
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
            description = "Who is recorded as creator (default: $CARRARA_USER, else the OS user name).")
    String user;

    @Option(names = "--ca-cert", paramLabel = "PEM", scope = ScopeType.INHERIT,
            defaultValue = "${env:CARRARA_CA_CERT:-}",
            description = "Trust the certificates in this PEM file for an https server (its self-signed certificate or"
                    + " private CA) instead of the JVM's trust store (default: $CARRARA_CA_CERT).")
    String caCert;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CarraraCli()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    CarraraClient client() {
        URI uri;
        try {
            uri = URI.create(server);
        } catch (IllegalArgumentException e) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "--server '" + server + "' is not a URL like " + DEFAULT_SERVER, "server");
        }
        CarraraClient.Builder builder = CarraraClient.builder(uri).user(user == null || user.isBlank() ? null : user);
        if (caCert != null && !caCert.isBlank()) {
            builder.trustedCertificates(java.nio.file.Path.of(caCert));
        }
        return builder.build();
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
