package io.carrara.server.oip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.spi.schema.Field;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC service called from Python through stubs that grpcio-tools generates from our
 * grpc_predict_v2.proto, as KServe's and Triton's Python clients are built. The test makes a
 * virtualenv under target/ and installs grpcio, grpcio-tools and protobuf from the machine's
 * package index; without python3 or those packages it is skipped, unless
 * CARRARA_REQUIRE_SERVICES=true makes that a failure.
 */
class PythonGrpcClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path WORK = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("target/oip-python").toAbsolutePath();

    @Test
    void aGeneratedPythonClientScoresAsSparkDoes(@TempDir Path home) throws Exception {
        Path python = prepareVirtualenv();
        Path generated = WORK.resolve("generated");
        Files.createDirectories(generated);
        Path protoDirectory = WORK.getParent().getParent().resolve("src/main/proto");
        run(List.of(python.toString(), "-m", "grpc_tools.protoc", "-I" + protoDirectory, "--python_out=" + generated,
                "--grpc_python_out=" + generated, protoDirectory.resolve("grpc_predict_v2.proto").toString()), generated, 120);
        Path script = generated.resolve("oip_client.py");
        try (InputStream in = getClass().getResourceAsStream("oip_client.py")) {
            Files.write(script, in.readAllBytes());
        }
        GoldenRows rows = GoldenRows.scored("trips-logistic-regression", GoldenRows::complete);
        Path rowsFile = generated.resolve("rows.json");
        Files.writeString(rowsFile, columns(rows).toString());

        try (OpenInferenceTestServer server = new OpenInferenceTestServer(home)) {
            String output = run(List.of(python.toString(), script.toString(), "127.0.0.1:" + server.port(), rowsFile.toString()),
                    generated, 120);
            JsonNode answer = JSON.readTree(output.lines().reduce((first, second) -> second).orElseThrow());
            assertThat(answer.get("live").asBoolean()).isTrue();
            assertThat(answer.get("ready").asBoolean()).isTrue();
            assertThat(answer.get("server").asText()).isEqualTo("carrara");
            assertThat(answer.get("versions").get(0).asText()).isEqualTo(server.trips.toString());
            assertThat(answer.get("model_version").asText()).isEqualTo(server.trips.toString());
            assertThat(answer.get("id").asText()).isEqualTo("py-1");
            assertThat(answer.get("outputs").size()).isEqualTo(11);
            for (Map.Entry<String, JsonNode> entry : answer.get("outputs").properties()) {
                JsonNode tensor = entry.getValue();
                assertThat(tensor.get("datatype").asText()).isEqualTo("FP64");
                List<Long> shape = new ArrayList<>();
                tensor.get("shape").forEach(dimension -> shape.add(dimension.asLong()));
                double[] values = new double[tensor.get("data").size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = tensor.get("data").get(i).asDouble();
                }
                rows.assertMatches(entry.getKey(), shape, values);
            }
            assertThat(answer.get("unknown_model").asText()).isEqualTo("NOT_FOUND");
            assertThat(answer.get("unknown_model_message").asText()).contains("nope");
        }
    }

    /** The golden rows as the script takes them: one column per input field, with its protocol data type. */
    private static ObjectNode columns(GoldenRows rows) {
        ObjectNode root = JSON.createObjectNode().put("model", "trips");
        ArrayNode columns = root.putArray("columns");
        for (Field field : OpenInferenceRestApiTest.tripsSchema().fields()) {
            ObjectNode column = columns.addObject().put("name", field.name()).put("datatype", TensorType.of(field.type()).name());
            ArrayNode values = column.putArray("values");
            rows.inputs().forEach(row -> values.add(row.get(field.name())));
        }
        return root;
    }

    /** A virtualenv with grpcio, grpcio-tools and protobuf, made once under target/ and reused. */
    private static Path prepareVirtualenv() throws Exception {
        Path venv = WORK.resolve("venv");
        Path python = venv.resolve("bin/python");
        Path installed = venv.resolve(".carrara-installed");
        if (Files.exists(installed)) {
            return python;
        }
        Files.createDirectories(WORK);
        try {
            run(List.of("python3", "-m", "venv", "--clear", venv.toString()), WORK, 120);
        } catch (IOException | IllegalStateException e) {
            skipOrFail("python3 with the venv module is needed to build a Python gRPC client: " + e.getMessage());
        }
        try {
            run(List.of(python.toString(), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                    "grpcio", "grpcio-tools", "protobuf"), WORK, 300);
        } catch (IllegalStateException e) {
            skipOrFail("cannot install grpcio, grpcio-tools and protobuf into " + venv + " from the configured package index: "
                    + e.getMessage());
        }
        Files.writeString(installed, "grpcio grpcio-tools protobuf\n");
        return python;
    }

    private static void skipOrFail(String message) {
        if ("true".equalsIgnoreCase(System.getenv("CARRARA_REQUIRE_SERVICES"))) {
            throw new AssertionError(message + " (CARRARA_REQUIRE_SERVICES=true)");
        }
        Assumptions.abort(message + "; skipped (set CARRARA_REQUIRE_SERVICES=true to make this a failure)");
    }

    /** Runs a command and returns its output; IllegalStateException with the output when it fails or overruns. */
    private static String run(List<String> command, Path directory, int timeoutSeconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        // Fail fast instead of retrying an index that is not reachable.
        builder.environment().put("PIP_RETRIES", "0");
        builder.environment().put("PIP_TIMEOUT", "20");
        builder.environment().put("PIP_DEFAULT_TIMEOUT", "20");
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        Path log = Files.createTempFile("oip-python", ".log");
        try {
            Thread drain = new Thread(() -> {
                try (InputStream in = process.getInputStream()) {
                    Files.write(log, in.readAllBytes());
                } catch (IOException e) {
                    // The process output is only for the error message.
                }
            });
            drain.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            drain.join(10_000);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
