package io.carrara.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.carrara.api.access.Role;
import io.carrara.registry.model.NewProject;
import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.TestHttp;
import io.carrara.server.config.ServerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenID Connect against a real HTTP JWKS endpoint with a key pair made here: the server accepts JWTs its issuer
 * signed, names the user and groups by their claims, gives group members their roles, and refuses expired,
 * foreign-issuer, wrongly signed and unsigned tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenIdConnectTest {
    private static final String ISSUER = "https://login.example.test/realms/ml";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = TestHttp.client();
    private HttpServer jwks;
    private CarraraServer server;
    private RSAKey key;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        key = new RSAKeyGenerator(2048).keyID("test-key").generate();
        byte[] keys = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            exchange.getResponseBody().write(keys);
            exchange.close();
        });
        jwks.start();
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("port", "0",
                "auth.oidc.issuer", ISSUER, "auth.oidc.jwksUri", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json",
                "auth.oidc.audience", "carrara", "auth.oidc.adminGroup", "ml-admins", "log.access", "false"))));
        server.registry().createProject(new NewProject("fraud", null), "tests");
        server.accessStore().grant("fraud", "group:analysts", Role.READ, "tests");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (jwks != null) {
            jwks.stop(0);
        }
    }

    @Test
    void aGroupMemberHasTheGroupsRole() throws Exception {
        String jwt = sign(key, claims("dana@example.com", List.of("analysts")).build());
        JsonNode whoami = JSON.readTree(call("GET", "/api/v1/whoami", jwt, null).body());
        assertThat(whoami.get("user").asText()).isEqualTo("dana@example.com");
        assertThat(whoami.get("admin").asBoolean()).isFalse();
        assertThat(whoami.get("projects").toString()).isEqualTo("{\"fraud\":\"read\"}");
        assertThat(call("GET", "/api/v1/projects/fraud", jwt, null).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = call("POST", "/api/v1/projects/fraud/models", jwt, "{\"name\":\"m\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);

        // A role granted to the user by name, as the issuer spells it.
        server.accessStore().grant("fraud", "dana@example.com", Role.EDIT, "tests");
        String fresh = sign(key, claims("dana@example.com", List.of("analysts")).jwtID("second").build());
        HttpResponse<String> created = call("POST", "/api/v1/projects/fraud/models", fresh, "{\"name\":\"m\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("createdBy").asText()).isEqualTo("dana@example.com");
    }

    @Test
    void theAdminGroupMakesServerAdmins() throws Exception {
        String jwt = sign(key, claims("root", List.of("ml-admins")).build());
        assertThat(JSON.readTree(call("GET", "/api/v1/whoami", jwt, null).body()).get("admin").asBoolean()).isTrue();
        assertThat(call("GET", "/api/v1/users", jwt, null).statusCode()).isEqualTo(200);
    }

    @Test
    void tokensTheIssuerDidNotSignOrThatExpiredAreRefused() throws Exception {
        RSAKey other = new RSAKeyGenerator(2048).keyID("test-key").generate();
        Map<String, String> refused = Map.of(
                "expired", sign(key, claims("erin", List.of()).expirationTime(Date.from(Instant.now().minusSeconds(600)))
                        .build()),
                "another issuer", sign(key, claims("erin", List.of()).issuer("https://evil.example.test").build()),
                "another audience", sign(key, claims("erin", List.of()).audience("someone-else").build()),
                "another key", sign(other, claims("erin", List.of()).build()),
                "unsigned", new com.nimbusds.jwt.PlainJWT(claims("erin", List.of()).build()).serialize());
        for (Map.Entry<String, String> token : refused.entrySet()) {
            HttpResponse<String> response = call("GET", "/api/v1/whoami", token.getValue(), null);
            assertThat(response.statusCode()).as(token.getKey() + ": " + response.body()).isEqualTo(401);
            assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("UNAUTHENTICATED");
        }
    }

    private static JWTClaimsSet.Builder claims(String user, List<String> groups) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("sub-" + user).audience("carrara")
                .claim("preferred_username", user).claim("groups", groups)
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600)));
    }

    private static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
