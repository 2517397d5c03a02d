package io.carrara.server.access;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * OpenID Connect: a bearer JWT signed by the issuer's keys (its JWKS, fetched from {@code auth.oidc.jwksUri} and
 * cached by Nimbus JOSE+JWT), with the expected {@code iss}, {@code aud} when one is set, and a time within
 * {@code nbf}/{@code exp}, names a user by one claim ({@code auth.oidc.userClaim}, default
 * {@code preferred_username}) and its groups by another ({@code auth.oidc.groupsClaim}, default {@code groups}).
 * Members of {@code auth.oidc.adminGroup} are server admins. Roles come from the grants to the user's name and
 * to {@code group:NAME}, as for the server's own users.
 */
public final class OidcVerifier {
    /** Algorithms an issuer may sign with: RSA and elliptic curves, never none or a shared secret. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    /** What {@code auth.oidc.*} says; {@code audience} and {@code adminGroup} may be empty. */
    public record Settings(String issuer, URI jwksUri, Optional<String> audience, String userClaim, String groupsClaim,
            Optional<String> adminGroup) {
        public Settings {
            requireNonNull(issuer, "issuer is null");
            requireNonNull(jwksUri, "jwksUri is null");
            requireNonNull(audience, "audience is null");
            requireNonNull(userClaim, "userClaim is null");
            requireNonNull(groupsClaim, "groupsClaim is null");
            requireNonNull(adminGroup, "adminGroup is null");
        }
    }

    /** Who a valid JWT names, and until when it is valid. */
    public record Identity(String user, List<String> groups, boolean admin, Instant expiresAt) {}

    private final Settings settings;
    private final DefaultJWTProcessor<SecurityContext> processor;

    public OidcVerifier(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(settings.jwksUri().toURL()).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "auth.oidc.jwksUri is not a URL: "
                    + settings.jwksUri(), "auth.oidc.jwksUri");
        }
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(settings.audience().orElse(null),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("exp", "iss")));
    }

    /** Whether a bearer value has the shape of a JWT (three base64url parts), so that it is this verifier's. */
    public static boolean looksLikeJwt(String value) {
        return value.chars().filter(c -> c == '.').count() == 2 && value.length() < 16_384;
    }

    /**
     * The identity in a JWT, or the reason it is refused (thrown as UNAUTHENTICATED); UNAVAILABLE when the
     * issuer's keys cannot be fetched.
     */
    public Identity verify(String jwt) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (ParseException e) {
            throw Authenticator.unauthenticated("the bearer token is not a JWT the server can read");
        } catch (BadJOSEException e) {
            throw Authenticator.unauthenticated("the OpenID Connect token is not valid: " + e.getMessage());
        } catch (KeySourceException e) {
            throw new CarraraException(StandardErrorCode.UNAVAILABLE, "cannot fetch the OpenID Connect issuer's keys from "
                    + settings.jwksUri() + "; try again later", "Authorization");
        } catch (JOSEException e) {
            throw Authenticator.unauthenticated("the OpenID Connect token's signature cannot be checked: " + e.getMessage());
        }
        String user = text(claims, settings.userClaim()).or(() -> Optional.ofNullable(claims.getSubject()))
                .filter(value -> !value.isBlank() && value.length() <= 128)
                .orElseThrow(() -> Authenticator.unauthenticated("the OpenID Connect token names no user in its '"
                        + settings.userClaim() + "' or 'sub' claim (at most 128 characters)"));
        List<String> groups = new ArrayList<>();
        Object value = claims.getClaim(settings.groupsClaim());
        if (value instanceof List<?> list) {
            list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(groups::add);
        } else if (value instanceof String single) {
            groups.add(single);
        }
        boolean admin = settings.adminGroup().map(groups::contains).orElse(false);
        return new Identity(user, List.copyOf(groups), admin, claims.getExpirationTime().toInstant());
    }

    private static Optional<String> text(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String text ? Optional.of(text) : Optional.empty();
    }
}
