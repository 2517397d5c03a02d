package io.carrara.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.config.ServerSettings;
import io.carrara.server.oip.proto.GRPCInferenceServiceGrpc;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerLiveRequest;
import io.carrara.spi.error.CarraraException;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from tls.certificate and tls.privateKey: the REST API over HTTP/2 and HTTP/1.1 and the Open
 * Inference Protocol's gRPC service on the one port, plain HTTP refused there, and settings that
 * cannot work refused at start naming the key. The certificate is a self-signed one made by openssl.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsServerTest {
    private Path home;
    private Path certificate;
    private Path privateKey;
    private CarraraServer server;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        this.home = home;
        certificate = home.resolve("server.crt");
        privateKey = home.resolve("server.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", privateKey.toString(), "-out", certificate.toString())
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as("openssl (the tests make their certificate with it): " + output).isZero();
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(home, Map.of(), Map.of("port", "0",
                "tls.certificate", certificate.toString(), "tls.privateKey", "server.key"))).withAuth(ServerConfig.Auth.OFF));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theApiAnswersOverHttpsWithHttp2AndHttp1() throws Exception {
        assertThat(server.uri().getScheme()).isEqualTo("https");
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(certificate)).version(version)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port()
                    + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"ok\"");
            assertThat(health.version()).isEqualTo(version);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port()
                + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    @Test
    void plainHttpIsNotServedOnTheTlsPort() {
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port()
                + "/api/v1/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void theOpenInferenceGrpcServiceAnswersOverTlsOnTheSamePort() throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", server.port(),
                TlsChannelCredentials.newBuilder().trustManager(certificate.toFile()).build()).build();
        try {
            assertThat(GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsSettingsThatCannotWorkAreRefusedNamingTheKey(@TempDir Path other) {
        assertThatThrownBy(() -> ServerConfig.from(ServerSettings.load(other, Map.of(), Map.of("tls.certificate",
                certificate.toString()))).withAuth(ServerConfig.Auth.OFF)).isInstanceOfSatisfying(CarraraException.class,
                e -> assertThat(e.field()).contains("tls.privateKey"));
        assertThatThrownBy(() -> ServerConfig.from(ServerSettings.load(other, Map.of(), Map.of("tls.certificate",
                certificate.toString(), "tls.privateKey", "missing.key"))).withAuth(ServerConfig.Auth.OFF)).isInstanceOfSatisfying(CarraraException.class,
                e -> {
                    assertThat(e.field()).contains("tls.privateKey");
                    assertThat(e.getMessage()).contains("not a readable file");
                });
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("carrara", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
