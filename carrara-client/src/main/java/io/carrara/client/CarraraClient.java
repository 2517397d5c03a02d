package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.api.health.Health;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Java client of the Carrara HTTP API ({@code docs/api.md}): a small entry point whose
 * sub-clients, one per concept, each hold that concept's calls, all over one HTTP layer. Requests and
 * answers are the API's own records ({@code carrara-api}), the same ones the server reads and writes.
 *
 * <ul>
 *   <li>{@link #projects()}: namespaces of models;
 *   <li>{@link #models()}: models, their dependencies and lineage;
 *   <li>{@link #instances()}: uploads (blob first) and downloads of model files or directories,
 *       deprecation, metrics, search;
 *   <li>{@link #events()}: the registry's outbox of changes;
 *   <li>{@link #deployments()}: deploy, read, history, undeploy, logged predictions;
 *   <li>{@link #predictions()}: score rows with a deployment;
 *   <li>{@link #features()}: the online feature store;
 *   <li>{@link #tables()}: tables of the server's Spark catalog, streamed in and out;
 *   <li>{@link #batch()} and {@link #workflows()}: batch predictions and scheduled workflows;
 *   <li>{@link #access()}: who the caller is, users, API tokens, project members and the audit trail.
 * </ul>
 *
 * A server with authentication on wants an API token, sent as {@code Authorization: Bearer TOKEN}:
 * give it to {@link Builder#token}, found the way the CLI and the Python SDK find it with
 * {@link Credentials#resolve} ({@code --token}, {@code $CARRARA_TOKEN}, the file {@code carrara login}
 * writes, then on this machine the embedded server's admin token):
 * <pre>{@code
 * URI server = URI.create("http://localhost:8080");
 * CarraraClient client = CarraraClient.builder(server)
 *         .token(Credentials.resolve(server, null, System.getenv(), Path.of(System.getProperty("user.home"))).orElse(null))
 *         .build();
 * WhoAmI me = client.access().whoami();
 * }</pre>
 *
 * A recipe, from an upload to a prediction:
 * <pre>{@code
 * CarraraClient client = CarraraClient.builder(URI.create("http://localhost:8080")).user("alice").build();
 * ModelRef eta = ModelRef.parse("demand/eta", "model");
 * client.projects().create("demand", "demand forecasting");
 * client.models().create(eta, ModelDefinition.builder().type("regressor").build());
 * Instance instance = client.instances().upload(eta, Path.of("model/"), ArtifactFormat.SPARK_PIPELINE,
 *         Map.of("city", "nyc"), TransferProgress.NONE);
 * client.instances().addMetric(instance.id(), MetricDefinition.numeric("mae", "validation", 4.2, Map.of()));
 * client.deployments().deploy(DeploymentDefinition.pinned("eta-live", instance.id()));
 * PredictResponse answer = client.predictions().predict("eta-live", rows, null);
 * client.instances().download(instance.id(), Path.of("copy/"), TransferProgress.NONE);
 * }</pre>
 *
 * Errors the server reports, and an unreachable server, raise {@link CarraraClientException};
 * bad arguments raise {@link CarraraException}; local file problems raise {@link UncheckedIOException}.
 * A client and its sub-clients are safe for concurrent use.
 */
public final class CarraraClient {
    public static final String USER_HEADER = "X-Carrara-User";
    public static final String SHA256_HEADER = "X-Carrara-Sha256";
    /** The header in which a table export reports how many rows it streams. */
    public static final String ROWS_HEADER = "X-Carrara-Rows";
    /** The file name {@link InstancesClient#download} uses when an artifact's original name is unknown or unsafe. */
    public static final String DEFAULT_FILE_NAME = "artifact";

    private final Transport transport;
    private final ProjectsClient projects;
    private final ModelsClient models;
    private final InstancesClient instances;
    private final EventsClient events;
    private final DeploymentsClient deployments;
    private final PredictionsClient predictions;
    private final FeaturesClient features;
    private final TablesClient tables;
    private final BatchClient batch;
    private final WorkflowsClient workflows;
    private final AccessClient access;
    private final RulesClient rules;
    private final MonitoringClient monitoring;

    private CarraraClient(Builder builder) {
        this.transport = new Transport(builder.baseUri, builder.user, builder.token, builder.connectTimeout,
                builder.requestTimeout, builder.sslContext);
        this.projects = new ProjectsClient(transport);
        this.models = new ModelsClient(transport);
        this.instances = new InstancesClient(transport);
        this.events = new EventsClient(transport);
        this.deployments = new DeploymentsClient(transport);
        this.predictions = new PredictionsClient(transport);
        this.features = new FeaturesClient(transport);
        this.tables = new TablesClient(transport);
        this.batch = new BatchClient(transport);
        this.workflows = new WorkflowsClient(transport);
        this.access = new AccessClient(transport);
        this.rules = new RulesClient(transport);
        this.monitoring = new MonitoringClient(transport);
    }

    public static Builder builder(URI baseUri) {
        return new Builder(baseUri);
    }

    public URI baseUri() {
        return transport.baseUri;
    }

    /** The name sent in {@value #USER_HEADER}, or empty when the server should record {@code anonymous}. */
    public Optional<String> user() {
        return Optional.ofNullable(transport.user);
    }

    /** Whether this client sends an API token; the token itself stays inside the client. */
    public boolean hasToken() {
        return transport.hasToken();
    }

    public Health health() {
        return transport.call(transport.request("/api/v1/health").GET(), transport.type(Health.class));
    }

    public ProjectsClient projects() {
        return projects;
    }

    public ModelsClient models() {
        return models;
    }

    public InstancesClient instances() {
        return instances;
    }

    public EventsClient events() {
        return events;
    }

    public DeploymentsClient deployments() {
        return deployments;
    }

    public PredictionsClient predictions() {
        return predictions;
    }

    public FeaturesClient features() {
        return features;
    }

    public TablesClient tables() {
        return tables;
    }

    public BatchClient batch() {
        return batch;
    }

    public WorkflowsClient workflows() {
        return workflows;
    }

    public AccessClient access() {
        return access;
    }

    /** Monitoring: what deployments predict, and the outcomes of their predictions. */
    public MonitoringClient monitoring() {
        return monitoring;
    }

    public RulesClient rules() {
        return rules;
    }

    /** The server, the user and whether a token is set; never the token. */
    @Override
    public String toString() {
        return "CarraraClient[" + transport.base + (transport.user == null ? "" : ", user=" + transport.user)
                + (transport.hasToken() ? ", token=***" : "") + "]";
    }

    // ---- provenance

    /** What this client records about itself with every upload. */
    public static Map<String, String> clientProvenance() {
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("carraraVersion", carraraVersion());
        provenance.put("javaVersion", System.getProperty("java.version"));
        provenance.put("os", System.getProperty("os.name"));
        provenance.put("arch", System.getProperty("os.arch"));
        return provenance;
    }

    /** The version in this jar's manifest, or {@code dev} when running from classes. */
    public static String carraraVersion() {
        String version = CarraraClient.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Settings of a {@link CarraraClient}; only the base URI is required. */
    public static final class Builder {
        private final URI baseUri;
        private String user;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private SSLContext sslContext;

        private Builder(URI baseUri) {
            requireNonNull(baseUri, "baseUri is null");
            String scheme = baseUri.getScheme();
            if (!("http".equals(scheme) || "https".equals(scheme)) || baseUri.getHost() == null) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "server '" + baseUri + "' is not an http(s) URL like http://localhost:8080", "server");
            }
            this.baseUri = baseUri;
        }

        /** The name recorded as creator of what this client writes; without one the server records {@code anonymous}. */
        public Builder user(String user) {
            if (user != null && (user.isBlank() || !user.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "user '" + user + "' must be printable ASCII without spaces", "user");
            }
            this.user = user;
            return this;
        }

        /**
         * The API token sent as {@code Authorization: Bearer TOKEN} with every call; null or blank sends
         * none. Surrounding whitespace (a line read from a file) is dropped. The token never appears in a
         * message, a log or {@link CarraraClient#toString()}.
         */
        public Builder token(String token) {
            if (token == null || token.isBlank()) {
                this.token = null;
                return this;
            }
            String stripped = token.strip();
            if (!stripped.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                // Not the token in the message: it may be a real one with a stray character.
                throw new CarraraException(INVALID_ARGUMENT,
                        "the token must be printable ASCII without spaces; check how it was copied", "token");
            }
            this.token = stripped;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Bounds every call except blob uploads and downloads, whose duration grows with their size. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requirePositive(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * Trusts the certificates of a PEM file (a private CA, or a server's self-signed certificate) for
         * an https server, instead of the JVM's default trust store.
         */
        public Builder trustedCertificates(Path pemFile) {
            requireNonNull(pemFile, "pemFile is null");
            try (InputStream in = Files.newInputStream(pemFile)) {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                int index = 0;
                for (Certificate certificate
                        : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("carrara-" + index++, certificate);
                }
                if (index == 0) {
                    throw new CarraraException(INVALID_ARGUMENT, pemFile + " holds no PEM certificate", "caCert");
                }
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, factory.getTrustManagers(), null);
                this.sslContext = context;
                return this;
            } catch (IOException e) {
                throw new CarraraException(INVALID_ARGUMENT, "cannot read the certificates " + pemFile + ": " + e.getMessage(),
                        "caCert");
            } catch (GeneralSecurityException e) {
                throw new CarraraException(INVALID_ARGUMENT, pemFile + " is not a PEM certificate file: " + e.getMessage(),
                        "caCert");
            }
        }

        public CarraraClient build() {
            return new CarraraClient(this);
        }

        private static Duration requirePositive(Duration duration, String name) {
            requireNonNull(duration, name + " is null");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + duration);
            }
            return duration;
        }
    }
}
