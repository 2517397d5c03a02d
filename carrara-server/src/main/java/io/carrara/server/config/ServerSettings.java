package io.carrara.server.config;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The server's settings as flat {@code key = value} pairs, layered in one order: defaults, then
 * {@code <home>/carrara.properties}, then environment variables ({@code database.url} is read from
 * {@code CARRARA_DATABASE_URL}), then command-line flags. Each value remembers its source so
 * {@code carrara config show} can say why it is what it is.
 */
public final class ServerSettings {
    public static final String FILE_NAME = "carrara.properties";

    /** Every key the server reads, with its default ({@code ""} means unset). */
    static final Map<String, String> DEFAULTS = defaults();
    private static final Set<String> SECRETS = Set.of("database.password", "blobs.s3.secretAccessKey",
            "features.redis.password");

    private final Path home;
    private final Map<String, Setting> settings;

    /** A value and where it came from. */
    public record Setting(String value, ConfigSource source) {
        public Setting {
            requireNonNull(value, "value is null");
            requireNonNull(source, "source is null");
        }
    }

    private ServerSettings(Path home, Map<String, Setting> settings) {
        this.home = home;
        this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    private static Map<String, String> defaults() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("host", "127.0.0.1");
        values.put("port", "8080");
        values.put("database.url", "");
        values.put("database.user", "");
        values.put("database.password", "");
        values.put("database.maxPoolSize", "10");
        values.put("database.connectionTimeoutMillis", "2000");
        values.put("blobs.type", "filesystem");
        values.put("blobs.path", "");
        values.put("blobs.s3.bucket", "");
        values.put("blobs.s3.prefix", "carrara");
        values.put("blobs.s3.endpoint", "");
        values.put("blobs.s3.region", "us-east-1");
        values.put("blobs.s3.pathStyle", "false");
        values.put("blobs.s3.accessKeyId", "");
        values.put("blobs.s3.secretAccessKey", "");
        values.put("blobs.s3.createBucket", "false");
        values.put("features.store", "embedded");
        values.put("features.path", "");
        values.put("features.redis.url", "redis://127.0.0.1:6379");
        values.put("features.redis.password", "");
        values.put("features.redis.prefix", "carrara:features:");
        values.put("features.redis.timeoutMillis", "2000");
        values.put("features.redis.maxConnections", "16");
        values.put("limits.maxRequestBytes", Long.toString(1L << 20));
        values.put("limits.maxBlobBytes", Long.toString(10L << 30));
        values.put("limits.requestTimeoutSeconds", "60");
        values.put("limits.archive.maxEntries", "100000");
        values.put("limits.archive.maxExpandedBytes", Long.toString(32L << 30));
        values.put("limits.archive.maxCompressionRatio", "100");
        values.put("shutdown.graceSeconds", "10");
        values.put("serving.loadMode", "eager");
        values.put("serving.syncSeconds", "5");
        values.put("serving.models.path", "");
        values.put("serving.models.memoryBudgetBytes", Long.toString(2L << 30));
        values.put("serving.models.memoryFactor", "4");
        values.put("serving.models.failureBackoffSeconds", "30");
        values.put("serving.log.queueCapacity", "10000");
        values.put("serving.log.batchSize", "500");
        values.put("serving.log.lingerMillis", "100");
        values.put("log.access", "true");
        values.put("spark.master", "local[*]");
        values.put("spark.metastoreUri", "");
        values.put("spark.warehouse", "");
        values.put("spark.concurrentJobs", "1");
        values.put("workflows.pollSeconds", "10");
        values.put("http.allowedOrigins", "");
        values.put("python.environments", "");
        values.put("python.interpreter", "python3");
        values.put("python.pipArguments", "");
        values.put("python.workersPerInstance", "1");
        values.put("python.requestTimeoutSeconds", "30");
        values.put("python.workerStartTimeoutSeconds", "120");
        values.put("python.buildTimeoutSeconds", "900");
        values.put("python.memoryLimitMib", "0");
        values.put("python.sparkBatchSize", "10000");
        values.put("python.combineRows", "64");
        values.put("python.batchIdleTimeoutSeconds", "600");
        values.put("outbound.allowPrivateAddresses", "false");
        values.put("outbound.allowedHosts", "");
        values.put("tls.certificate", "");
        values.put("tls.privateKey", "");
        values.put("auth.enabled", "true");
        values.put("auth.openHealth", "true");
        values.put("auth.openMetrics", "false");
        values.put("auth.cacheSeconds", "5");
        values.put("auth.maxFailuresPerMinute", "20");
        values.put("auth.oidc.issuer", "");
        values.put("auth.oidc.jwksUri", "");
        values.put("auth.oidc.audience", "");
        values.put("auth.oidc.userClaim", "preferred_username");
        values.put("auth.oidc.groupsClaim", "groups");
        values.put("auth.oidc.adminGroup", "");
        values.put("rules.enabled", "true");
        values.put("rules.repository", "");
        values.put("rules.branch", "");
        values.put("rules.syncSeconds", "0");
        values.put("rules.pollMillis", "200");
        values.put("rules.timeoutMillis", "1000");
        values.put("rules.secrets", "");
        values.put("monitoring.runSeconds", "60");
        values.put("monitoring.settleSeconds", "10");
        return Collections.unmodifiableMap(values);
    }

    /**
     * Resolves the settings. {@code home} comes from the {@code --home} flag, else {@code CARRARA_HOME},
     * else {@code ~/.carrara}; {@code flags} are {@code key -> value} from the command line.
     */
    public static ServerSettings load(Path homeFlag, Map<String, String> environment, Map<String, String> flags) {
        requireNonNull(environment, "environment is null");
        requireNonNull(flags, "flags is null");
        Path home = homeFlag != null ? homeFlag
                : environment.get("CARRARA_HOME") != null && !environment.get("CARRARA_HOME").isBlank()
                        ? Path.of(environment.get("CARRARA_HOME"))
                        : Path.of(System.getProperty("user.home"), ".carrara");
        home = home.toAbsolutePath().normalize();
        Map<String, Setting> settings = new LinkedHashMap<>();
        DEFAULTS.forEach((key, value) -> settings.put(key, new Setting(value, ConfigSource.DEFAULT)));
        Path file = home.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new CarraraException(INVALID_ARGUMENT, "cannot read " + file + ": " + e.getMessage(), "config");
            }
            for (String key : properties.stringPropertyNames()) {
                settings.put(checkKey(key, "in " + file), new Setting(properties.getProperty(key).trim(), ConfigSource.FILE));
            }
        }
        for (String key : DEFAULTS.keySet()) {
            String value = environment.get(environmentName(key));
            if (value != null) {
                settings.put(key, new Setting(value.trim(), ConfigSource.ENVIRONMENT));
            }
        }
        flags.forEach((key, value) -> settings.put(checkKey(key, "on the command line"), new Setting(value, ConfigSource.FLAG)));
        return new ServerSettings(home, settings);
    }

    /** {@code database.maxPoolSize} → {@code CARRARA_DATABASE_MAXPOOLSIZE}. */
    public static String environmentName(String key) {
        return "CARRARA_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static String checkKey(String key, String where) {
        if (!DEFAULTS.containsKey(key)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "unknown setting '" + key + "' " + where + "; known settings: " + String.join(", ", DEFAULTS.keySet()),
                    key);
        }
        return key;
    }

    public Path home() {
        return home;
    }

    public String get(String key) {
        Setting setting = settings.get(key);
        if (setting == null) {
            throw new IllegalArgumentException("no such setting: " + key);
        }
        return setting.value();
    }

    public Map<String, Setting> all() {
        return settings;
    }

    /** The value as {@code config show} prints it: secrets are masked. */
    public String display(String key) {
        String value = get(key);
        return SECRETS.contains(key) && !value.isEmpty() ? "****" : value;
    }

    public int getInt(String key, int min, int max) {
        long value = getLong(key, min, max);
        return (int) value;
    }

    public long getLong(String key, long min, long max) {
        String raw = get(key);
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new CarraraException(INVALID_ARGUMENT, key + " must be a whole number, not '" + raw + "'", key);
        }
        if (value < min || value > max) {
            throw new CarraraException(INVALID_ARGUMENT, key + " must be between " + min + " and " + max + ", not " + value, key);
        }
        return value;
    }

    public double getDouble(String key, double min, double max) {
        String raw = get(key);
        double value;
        try {
            value = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new CarraraException(INVALID_ARGUMENT, key + " must be a number, not '" + raw + "'", key);
        }
        if (!(value >= min && value <= max)) {
            throw new CarraraException(INVALID_ARGUMENT, key + " must be between " + min + " and " + max + ", not " + raw, key);
        }
        return value;
    }

    /** One of {@code choices}, case-insensitively, returned in lower case. */
    public String getChoice(String key, String... choices) {
        String raw = get(key);
        for (String choice : choices) {
            if (choice.equalsIgnoreCase(raw)) {
                return choice;
            }
        }
        throw new CarraraException(INVALID_ARGUMENT,
                key + " must be one of " + String.join(", ", choices) + ", not '" + raw + "'", key);
    }

    /** A comma-separated value as a set of its non-blank items, trimmed. */
    public java.util.Set<String> getList(String key) {
        java.util.Set<String> items = new java.util.LinkedHashSet<>();
        for (String item : get(key).split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return java.util.Collections.unmodifiableSet(items);
    }

    public boolean getBoolean(String key) {
        String raw = get(key);
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw new CarraraException(INVALID_ARGUMENT, key + " must be true or false, not '" + raw + "'", key);
    }
}
