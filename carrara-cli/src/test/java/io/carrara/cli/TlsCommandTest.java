package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import io.carrara.server.config.ServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a server with TLS (tls.certificate, tls.privateKey): with {@code --ca-cert} (or
 * $CARRARA_CA_CERT) naming the server's self-signed certificate it talks to it; without, the JVM's trust
 * store does not know the certificate and the error says so.
 */
class TlsCommandTest {
    @TempDir
    static Path serverHome;

    private static CarraraServer server;
    private static Path certificate;

    @BeforeAll
    static void startServer() throws Exception {
        certificate = serverHome.resolve("server.crt");
        Path key = serverHome.resolve("server.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", certificate.toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as("openssl (the test makes its certificate with it): " + output).isZero();
        server = CarraraServer.start(ServerConfig.from(ServerSettings.load(serverHome, Map.of(), Map.of("port", "0",
                "tls.certificate", certificate.toString(), "tls.privateKey", key.toString()))).withAuth(ServerConfig.Auth.OFF));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theCliTalksToAnHttpsServerWhoseCertificateItIsGiven() {
        String url = "https://localhost:" + server.port();
        CommandResult created = CommandResult.run("project", "create", "secure", "--server", url, "--ca-cert", certificate.toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        CommandResult listed = CommandResult.run("project", "list", "--server", url, "--ca-cert", certificate.toString());
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(listed.out()).contains("secure");
    }

    @Test
    void withoutTheCertificateTheCallFailsSayingWhy() {
        CommandResult refused = CommandResult.run("project", "list", "--server", "https://localhost:" + server.port());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: ").contains("certificate this client does not trust").contains("--ca-cert");
    }

    @Test
    void aCaCertThatIsNoCertificateIsAnErrorNamingTheOption(@TempDir Path work) throws Exception {
        Path notPem = Files.writeString(work.resolve("not.pem"), "hello");
        CommandResult refused = CommandResult.run("project", "list", "--server", "https://localhost:" + server.port(),
                "--ca-cert", notPem.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("(field: caCert)");
    }
}
