package io.carrara.bench.server;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;

/**
 * The server's own view of a measured window, from its Prometheus {@code /metrics} scraped before
 * and after: the per-deployment {@value #LATENCY} histogram (Micrometer's percentile histogram:
 * the time of the serving engine's {@code predict}, i.e. feature lookup, routing and scoring,
 * without HTTP, JSON or protobuf decoding) and the {@value #ERRORS} counter, which also counts
 * rows that failed inside a 200 answer of the rows endpoint.
 */
final class ServerMetrics {
    static final String LATENCY = "carrara_predictions_latency_seconds";
    static final String ERRORS = "carrara_predictions_errors_total";
    static final String MODEL_LOAD = "carrara_model_load_seconds";
    static final String LOGGED = "carrara_predictions_logged_total";
    static final String LOG_DROPPED = "carrara_predictions_log_dropped_total";

    private final WebClient client;

    /** {@code client} points at the server's base URI. */
    ServerMetrics(WebClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Fetches {@code /metrics} without blocking the caller. */
    CompletableFuture<String> scrape() {
        return client.get("/metrics").aggregate().thenApply(ServerMetrics::text);
    }

    private static String text(AggregatedHttpResponse response) {
        if (response.status().code() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.status() + ": " + response.contentUtf8());
        }
        return response.contentUtf8();
    }

    /**
     * A window of one deployment: the latency histogram's delta, the errors counted in it, and the predictions queued to the
     * prediction log and dropped from it.
     */
    record Window(PrometheusHistogram latency, long errors, long logged, long logDropped) {
        static Window between(String before, String after, String deployment) {
            Map<String, String> labels = Map.of("deployment", deployment);
            PrometheusHistogram latency = PrometheusHistogram.parse(after, LATENCY, labels)
                    .minus(PrometheusHistogram.parse(before, LATENCY, labels));
            return new Window(latency, delta(before, after, ERRORS, labels), delta(before, after, LOGGED, labels),
                    delta(before, after, LOG_DROPPED, labels));
        }

        private static long delta(String before, String after, String counter, Map<String, String> labels) {
            return Math.round(PrometheusText.total(after, counter, labels) - PrometheusText.total(before, counter, labels));
        }
    }

    /** The mean time the server recorded for loading a deployment's instances, in seconds. */
    static OptionalDouble modelLoadSeconds(String exposition, String deployment) {
        return PrometheusHistogram.parse(exposition, MODEL_LOAD, Map.of("deployment", deployment)).mean();
    }
}
