package io.carrara.server.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.net.OutboundAddressPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs a JSON body to a webhook in the Standard Webhooks layout: headers {@code webhook-id} (the same on every retry,
 * so a receiver can drop duplicates), {@code webhook-timestamp} (Unix seconds) and, with a secret,
 * {@code webhook-signature: v1,BASE64} where BASE64 is HMAC-SHA256 over {@code id.timestamp.body} keyed with the
 * secret (a {@code whsec_}-prefixed secret is base64-decoded first, as the specification says; any other is used as
 * its UTF-8 bytes). A 429 or 5xx answer, or no answer, is retried with capped exponential backoff; other answers are
 * final. The address is checked against the outbound policy before every attempt (a name may resolve elsewhere
 * later), and redirects are not followed.
 */
public final class WebhookSender {
    private final HttpClient client;
    private final OutboundAddressPolicy outbound;
    private final int attempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;

    public WebhookSender(OutboundAddressPolicy outbound, int attempts, Duration firstBackoff, Duration maxBackoff) {
        this.outbound = requireNonNull(outbound, "outbound is null");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
        this.attempts = attempts;
        this.firstBackoff = requireNonNull(firstBackoff, "firstBackoff is null");
        this.maxBackoff = requireNonNull(maxBackoff, "maxBackoff is null");
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The sender rules and alerts use: five attempts, backing off from 0.5 s, doubling up to 30 s. */
    public static WebhookSender standard(OutboundAddressPolicy outbound) {
        return new WebhookSender(outbound, 5, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /** What came of a delivery: the last status (0 when nothing answered), the attempts made, and in words. */
    public record Delivery(boolean delivered, int status, int attempts, String detail) {}

    /** Delivers {@code body}; never throws for the receiver's failures, which the {@link Delivery} describes. */
    public Delivery send(URI url, String id, String body, String secret) throws InterruptedException {
        requireNonNull(url, "url is null");
        requireNonNull(id, "id is null");
        requireNonNull(body, "body is null");
        Duration backoff = firstBackoff;
        String last = "";
        int status = 0;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                outbound.check(url, "url");
            } catch (CarraraException e) {
                return new Delivery(false, 0, attempt - 1, e.getMessage());
            }
            long timestamp = Instant.now().getEpochSecond();
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("User-Agent", "carrara-rules")
                    .header("webhook-id", id).header("webhook-timestamp", Long.toString(timestamp))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (secret != null) {
                request.header("webhook-signature", "v1," + sign(secret, id, timestamp, body));
            }
            try {
                HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return new Delivery(true, status, attempt, "answered " + status);
                }
                last = "answered " + status;
                if (status != 429 && status < 500) {
                    return new Delivery(false, status, attempt, last + " (not retried)");
                }
            } catch (IOException e) {
                last = "no answer: " + e.getMessage();
                status = 0;
            }
            if (attempt < attempts) {
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
        return new Delivery(false, status, attempts, last + " after " + attempts + " attempts");
    }

    /** The Standard Webhooks signature (without its {@code v1,} prefix). */
    static String sign(String secret, String id, long timestamp, String body) {
        byte[] key = secret.startsWith("whsec_") ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signature = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
