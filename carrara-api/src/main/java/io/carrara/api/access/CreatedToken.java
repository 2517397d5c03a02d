package io.carrara.api.access;

import static java.util.Objects.requireNonNull;

/**
 * The answer to {@code POST /api/v1/tokens}: the token's {@code secret}, sent as
 * {@code Authorization: Bearer SECRET}, shown this once (the server keeps only its hash), and the token.
 */
public record CreatedToken(String secret, Token token) {
    public CreatedToken {
        requireNonNull(secret, "secret is null");
        requireNonNull(token, "token is null");
    }

    @Override
    public String toString() {
        return "CreatedToken[token=" + token + "]";
    }
}
