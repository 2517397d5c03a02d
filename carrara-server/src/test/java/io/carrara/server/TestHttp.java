package io.carrara.server;

import java.net.http.HttpClient;

/**
 * The JDK HTTP client the server's tests talk to it with: HTTP/1.1. The JDK's default asks a cleartext server
 * to upgrade to HTTP/2 (h2c) and once, in CI (2026-12-07), read an HTTP/1 answer as HTTP/2 frames ("Frame
 * type(51) length(3422260) exceeds MAX_FRAME_SIZE"); what these tests check is the API, not the upgrade
 * (TlsServerTest covers HTTP/2 over TLS, gRPC covers cleartext HTTP/2).
 */
public final class TestHttp {
    private TestHttp() {}

    public static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }
}
