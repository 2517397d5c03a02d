package io.carrara.serving.features;

import static io.carrara.serving.ServingErrorCode.FEATURE_STORE_UNAVAILABLE;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Features in Redis: one hash per entity at {@code <prefix><group>:<key>}, one field per feature
 * holding the value's JSON text ({@code 12}, {@code 4.8}, {@code "gold"}), so the type survives.
 * A batch of writes or reads is one pipelined round trip; a merge is {@code HSET} of the new
 * values and {@code HDEL} of the removed ones, so concurrent writers of different features never
 * overwrite each other. Connections come from a bounded pool.
 */
public final class RedisFeatureStore implements FeatureStore {
    /** How long a ping's answer stands for {@link #available}, so that readiness probes and scrapes do not each ping. */
    private static final long AVAILABILITY_TTL_NANOS = 1_000_000_000L;

    private final RedisFeatureStoreConfig config;
    private final RedisClient client;
    private volatile long checkedAt;
    private volatile boolean lastAvailable = true;

    private RedisFeatureStore(RedisFeatureStoreConfig config, RedisClient client) {
        this.config = config;
        this.client = client;
    }

    /** Connects and checks that Redis answers, so a wrong address fails at once, not at the first lookup. */
    public static RedisFeatureStore open(RedisFeatureStoreConfig config) {
        RedisFeatureStore store = connect(config);
        try {
            store.call(redis -> redis.ping());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * Sets up the connection pool without requiring Redis to answer now: a server starts while Redis
     * is down and its feature lookups answer FEATURE_STORE_UNAVAILABLE (and {@link #available} false)
     * until Redis is back. Connections are made on demand.
     */
    public static RedisFeatureStore connect(RedisFeatureStoreConfig config) {
        requireNonNull(config, "config is null");
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
        DefaultJedisClientConfig.Builder clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .database(config.database())
                .ssl(config.tls())
                .clientName("carrara");
        String userInfo = config.url().getUserInfo();
        if (!config.password().isEmpty()) {
            clientConfig.password(config.password());
        } else if (userInfo != null && userInfo.contains(":")) {
            String user = userInfo.substring(0, userInfo.indexOf(':'));
            if (!user.isEmpty()) {
                clientConfig.user(user);
            }
            clientConfig.password(userInfo.substring(userInfo.indexOf(':') + 1));
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.maxConnections());
        pool.setMaxIdle(config.maxConnections());
        pool.setMaxWait(config.timeout());
        RedisClient client;
        try {
            client = RedisClient.builder()
                    .hostAndPort(new HostAndPort(config.url().getHost(), config.port()))
                    .clientConfig(clientConfig.build())
                    .poolConfig(pool)
                    .build();
        } catch (JedisException e) {
            throw unavailable(config, e);
        }
        return new RedisFeatureStore(config, client);
    }

    @Override
    public boolean available() {
        long now = System.nanoTime();
        if (now - checkedAt < AVAILABILITY_TTL_NANOS) {
            return lastAvailable;
        }
        boolean answered;
        try {
            call(redis -> redis.ping());
            answered = true;
        } catch (RuntimeException e) {
            answered = false;
        }
        lastAvailable = answered;
        checkedAt = now;
        return answered;
    }

    @Override
    public void putAll(String group, Map<String, ? extends Map<String, ?>> featuresByKey) {
        FeatureValues.checkGroup(group);
        Map<String, Map<String, Object>> writes = FeatureValues.checkWrites(featuresByKey);
        if (writes.isEmpty()) {
            return;
        }
        call(redis -> {
            try (Pipeline pipeline = redis.pipelined()) {
                for (Map.Entry<String, Map<String, Object>> write : writes.entrySet()) {
                    String hash = hashKey(group, write.getKey());
                    Map<String, String> set = new LinkedHashMap<>();
                    List<String> removed = new ArrayList<>();
                    write.getValue().forEach((name, value) -> {
                        if (value == null) {
                            removed.add(name);
                        } else {
                            set.put(name, FeatureValues.encode(value));
                        }
                    });
                    if (!set.isEmpty()) {
                        pipeline.hset(hash, set);
                    }
                    if (!removed.isEmpty()) {
                        pipeline.hdel(hash, removed.toArray(String[]::new));
                    }
                }
                pipeline.sync();
            }
            return null;
        });
    }

    @Override
    public List<Map<String, Object>> getAll(String group, List<String> keys, List<String> features) {
        FeatureValues.checkGroup(group);
        requireNonNull(keys, "keys is null");
        List<String> selected = FeatureValues.checkFeatures(features);
        List<String> hashes = keys.stream().map(key -> hashKey(group, FeatureValues.checkKey(key))).toList();
        if (hashes.isEmpty()) {
            return List.of();
        }
        String[] fields = selected.toArray(String[]::new);
        return call(redis -> {
            List<Map<String, Object>> rows = new ArrayList<>(hashes.size());
            try (Pipeline pipeline = redis.pipelined()) {
                if (selected.isEmpty()) {
                    List<Response<Map<String, String>>> responses = new ArrayList<>(hashes.size());
                    hashes.forEach(hash -> responses.add(pipeline.hgetAll(hash)));
                    pipeline.sync();
                    for (Response<Map<String, String>> response : responses) {
                        Map<String, Object> row = new TreeMap<>();
                        response.get().forEach((name, json) -> row.put(name, FeatureValues.decode(name, json)));
                        rows.add(java.util.Collections.unmodifiableMap(row));
                    }
                } else {
                    List<Response<List<String>>> responses = new ArrayList<>(hashes.size());
                    hashes.forEach(hash -> responses.add(pipeline.hmget(hash, fields)));
                    pipeline.sync();
                    for (Response<List<String>> response : responses) {
                        List<String> values = response.get();
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int i = 0; i < fields.length; i++) {
                            if (values.get(i) != null) {
                                row.put(fields[i], FeatureValues.decode(fields[i], values.get(i)));
                            }
                        }
                        rows.add(java.util.Collections.unmodifiableMap(row));
                    }
                }
            }
            return rows;
        });
    }

    @Override
    public boolean delete(String group, String key) {
        FeatureValues.checkGroup(group);
        String hash = hashKey(group, FeatureValues.checkKey(key));
        return call(redis -> redis.del(hash) > 0);
    }

    @Override
    public String describe() {
        return config.address() + " (prefix " + config.prefix() + ")";
    }

    @Override
    public void close() {
        client.close();
    }

    /** The hash of one entity; groups cannot contain ':', so the key may. */
    String hashKey(String group, String key) {
        return config.prefix() + group + ":" + key;
    }

    private <T> T call(Function<RedisClient, T> operation) {
        try {
            return operation.apply(client);
        } catch (JedisException e) {
            throw unavailable(config, e);
        }
    }

    private static CarraraException unavailable(RedisFeatureStoreConfig config, JedisException e) {
        String reason = e.getMessage();
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                reason = cause.getMessage();
            }
        }
        return new CarraraException(FEATURE_STORE_UNAVAILABLE,
                "the feature store's Redis at " + config.address() + " failed: " + reason
                        + "; check that Redis is running there and features.redis.url",
                "features.redis.url", e);
    }
}
