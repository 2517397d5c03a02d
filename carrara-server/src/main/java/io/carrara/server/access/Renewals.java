package io.carrara.server.access;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background renewal of the access caches' entries (a token's owner, a deployment's project): once an entry is older
 * than the cache time, the next request still gets it while one read, here, renews it. Without this, every request
 * that arrived while a busy token's entry was being read again went to the database itself (ten or more at 2,000
 * requests/s, each with a write to the token's last use), and the prediction path's p99 rose with authentication on.
 * One daemon thread for the JVM: renewals are a few a second.
 */
final class Renewals<K> {
    private static final Logger log = LoggerFactory.getLogger(Renewals.class);
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "carrara-access-renewal");
        thread.setDaemon(true);
        return thread;
    });

    private final Set<K> running = ConcurrentHashMap.newKeySet();

    /** Runs {@code renewal} in the background unless one for {@code key} is under way. */
    void renew(K key, Runnable renewal) {
        if (!running.add(key)) {
            return;
        }
        try {
            THREAD.execute(() -> {
                try {
                    renewal.run();
                } catch (RuntimeException e) {
                    // The entry stays stale; once too old, the next request reads it itself and meets the error.
                    log.atDebug().setMessage("an access cache entry could not be renewed").addKeyValue("error", e.toString()).log();
                } finally {
                    running.remove(key);
                }
            });
        } catch (RuntimeException e) {
            running.remove(key);
            throw e;
        }
    }
}
