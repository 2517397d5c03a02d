package io.carrara.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers the table, batch and workflow endpoints with scripted JSON, for the commands' tests
 * until the server implements them; then the end-to-end tests against the real server take over.
 * Each {@code METHOD /path} answers its scripted answers in turn, the last one again and again.
 */
final class StandInServer implements AutoCloseable {
    record Answer(int status, String body, Map<String, String> headers) {}

    record Request(String method, String pathAndQuery, String body) {}

    private final HttpServer server;
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    StandInServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    StandInServer answer(String methodAndPath, int status, String body) {
        return answer(methodAndPath, status, body, Map.of());
    }

    StandInServer answer(String methodAndPath, int status, String body, Map<String, String> headers) {
        answers.computeIfAbsent(methodAndPath, key -> new ArrayDeque<>()).add(new Answer(status, body, headers));
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(new Request(exchange.getRequestMethod(), query == null ? path : path + "?" + query,
                new String(exchange.getRequestBody().readAllBytes(), UTF_8)));
        Deque<Answer> scripted = answers.get(exchange.getRequestMethod() + " " + path);
        Answer answer;
        if (scripted == null || scripted.isEmpty()) {
            answer = new Answer(404, "{\"code\": \"NOT_FOUND\", \"message\": \"the stand-in has no answer for "
                    + exchange.getRequestMethod() + " " + path + "\", \"field\": null}", Map.of());
        } else {
            answer = scripted.size() > 1 ? scripted.poll() : scripted.peek();
        }
        byte[] body = answer.body().getBytes(UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        answer.headers().forEach(exchange.getResponseHeaders()::add);
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
