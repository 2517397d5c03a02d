package io.carrara.server.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.carrara.spi.net.OutboundAddressPolicy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks against a real HTTP server on loopback: the Standard Webhooks headers, verified here as a receiver would;
 * retries on 5xx with the same id; no retry on 4xx; and the outbound policy refusing loopback when it is not allowed.
 */
class WebhookSenderTest {
    private static final OutboundAddressPolicy LOOPBACK_ALLOWED = OutboundAddressPolicy.of(true, List.of());
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("a shared secret of 32 bytes!!!!!"
            .getBytes(StandardCharsets.UTF_8));

    private HttpServer server;
    private final List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger calls = new AtomicInteger();
    private final ConcurrentLinkedQueue<Map<String, String>> received = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            int call = calls.getAndIncrement();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(Map.of("id", String.valueOf(exchange.getRequestHeaders().getFirst("webhook-id")),
                    "timestamp", String.valueOf(exchange.getRequestHeaders().getFirst("webhook-timestamp")),
                    "signature", String.valueOf(exchange.getRequestHeaders().getFirst("webhook-signature")), "body", body));
            int status = call < statuses.size() ? statuses.get(call) : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI hook() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @Test
    void retriesServerErrorsWithTheSameIdAndSignsAsTheStandardSays() throws Exception {
        statuses.addAll(List.of(503, 429));
        WebhookSender sender = new WebhookSender(LOOPBACK_ALLOWED, 5, Duration.ofMillis(10), Duration.ofMillis(40));
        WebhookSender.Delivery delivery = sender.send(hook(), "rule-x-7-0", "{\"rule\":\"x\"}", SECRET);

        assertThat(delivery.delivered()).isTrue();
        assertThat(delivery.attempts()).isEqualTo(3);
        assertThat(received).hasSize(3).allSatisfy(request -> {
            assertThat(request.get("id")).isEqualTo("rule-x-7-0");
            assertThat(request.get("body")).isEqualTo("{\"rule\":\"x\"}");
            assertThat(request.get("signature")).isEqualTo("v1," + receiverSignature(request));
        });
    }

    @Test
    void clientErrorsAreFinalAndWithoutASecretNothingIsSigned() throws Exception {
        statuses.add(400);
        WebhookSender sender = new WebhookSender(LOOPBACK_ALLOWED, 5, Duration.ofMillis(10), Duration.ofMillis(40));
        WebhookSender.Delivery delivery = sender.send(hook(), "id-1", "{}", null);
        assertThat(delivery.delivered()).isFalse();
        assertThat(delivery.attempts()).isEqualTo(1);
        assertThat(delivery.detail()).contains("400").contains("not retried");
        assertThat(received.peek().get("signature")).isEqualTo("null");
    }

    @Test
    void givesUpAfterItsAttempts() throws Exception {
        statuses.addAll(List.of(500, 500, 500));
        WebhookSender sender = new WebhookSender(LOOPBACK_ALLOWED, 3, Duration.ofMillis(5), Duration.ofMillis(10));
        WebhookSender.Delivery delivery = sender.send(hook(), "id-2", "{}", "plain secret");
        assertThat(delivery.delivered()).isFalse();
        assertThat(delivery.detail()).contains("after 3 attempts");
        assertThat(calls).hasValue(3);
    }

    @Test
    void loopbackIsRefusedUnlessThePolicyAllowsIt() throws Exception {
        WebhookSender sender = new WebhookSender(OutboundAddressPolicy.PUBLIC_ONLY, 5, Duration.ofMillis(10), Duration.ofMillis(40));
        WebhookSender.Delivery delivery = sender.send(hook(), "id-3", "{}", null);
        assertThat(delivery.delivered()).isFalse();
        assertThat(delivery.attempts()).isZero();
        assertThat(delivery.detail()).contains("loopback");
        assertThat(calls).hasValue(0);
    }

    /** What a Standard Webhooks receiver computes: HMAC-SHA256 of id.timestamp.body with the base64 part of whsec_. */
    private static String receiverSignature(Map<String, String> request) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring(6)), "HmacSHA256"));
        String signed = request.get("id") + "." + request.get("timestamp") + "." + request.get("body");
        return Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
}
