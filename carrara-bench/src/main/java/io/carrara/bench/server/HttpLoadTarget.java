package io.carrara.bench.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * JSON POSTs through Armeria's {@link WebClient} (HTTP/1.1 connection pool or h2c, as the client
 * was built): the plain rows endpoint or the Open Inference REST {@code infer}. Bodies are encoded
 * once; a response counts as a success on status 200 alone, and is otherwise not read.
 */
final class HttpLoadTarget implements LoadTarget {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String label;
    private final WebClient client;
    private final RequestHeaders headers;
    private final byte[][] bodies;
    private final Predicate<JsonNode> isPrediction;

    /**
     * @param isPrediction what {@link #verify} expects of the decoded answer to the first body
     */
    HttpLoadTarget(String label, WebClient client, String path, List<byte[]> bodies, Predicate<JsonNode> isPrediction) {
        this.label = requireNonNull(label, "label is null");
        this.client = requireNonNull(client, "client is null");
        this.headers = RequestHeaders.builder(HttpMethod.POST, path).contentType(MediaType.JSON_UTF_8).build();
        if (bodies.isEmpty()) {
            throw new IllegalArgumentException("no request bodies");
        }
        this.bodies = bodies.toArray(byte[][]::new);
        this.isPrediction = requireNonNull(isPrediction, "isPrediction is null");
    }

    /** The plain rows endpoint, {@code POST /api/v1/deployments/{name}/predict}. */
    static HttpLoadTarget rows(WebClient client, String deployment, List<byte[]> bodies) {
        return new HttpLoadTarget("REST /api/v1 predict", client, "/api/v1/deployments/" + deployment + "/predict", bodies,
                answer -> answer.path("predictions").path(0).path("prediction").isNumber());
    }

    /** The Open Inference Protocol over REST, {@code POST /v2/models/{name}/infer}. */
    static HttpLoadTarget inference(WebClient client, String deployment, List<byte[]> bodies) {
        return new HttpLoadTarget("REST /v2 infer", client, "/v2/models/" + deployment + "/infer", bodies, answer -> {
            for (JsonNode output : answer.path("outputs")) {
                if (output.path("name").asText().equals("prediction") && output.path("data").path(0).isNumber()) {
                    return true;
                }
            }
            return false;
        });
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void send(long sequence, Completion completion) {
        byte[] body = bodies[(int) (sequence % bodies.length)];
        client.execute(HttpRequest.of(headers, HttpData.wrap(body))).aggregate().handle((response, error) -> {
            if (error != null) {
                completion.completed(ErrorKinds.of(error));
            } else {
                int status = response.status().code();
                completion.completed(status == 200 ? null : "HTTP " + status);
            }
            return null;
        });
    }

    @Override
    public void verify() {
        AggregatedHttpResponse response = client.execute(HttpRequest.of(headers, HttpData.wrap(bodies[0]))).aggregate().join();
        String body = response.contentUtf8();
        if (response.status().code() != 200) {
            throw new IllegalStateException(label + " answered " + response.status() + ": " + body);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(label + " answered 200 with a body that is not JSON: " + body, e);
        }
        if (!isPrediction.test(answer)) {
            throw new IllegalStateException(label + " answered 200 without a prediction: " + body);
        }
    }
}
