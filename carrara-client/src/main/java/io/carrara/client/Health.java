package io.carrara.client;

import static java.util.Objects.requireNonNull;

/** The server's answer to a health check, e.g. {@code ok} and {@code 0.1.0}. */
public record Health(String status, String version) {
    public Health {
        requireNonNull(status, "status is null");
    }
}
