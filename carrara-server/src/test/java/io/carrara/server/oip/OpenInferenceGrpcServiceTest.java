package io.carrara.server.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.server.oip.proto.GRPCInferenceServiceGrpc;
import io.carrara.server.oip.proto.GrpcPredictV2.InferParameter;
import io.carrara.server.oip.proto.GrpcPredictV2.InferTensorContents;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferResponse;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelMetadataRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelMetadataResponse;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelReadyRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerLiveRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerMetadataRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inference.GRPCInferenceService} called by a plain grpc-java client (Netty transport, stubs
 * generated from the same proto), on the server's one port; outputs must equal Spark's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenInferenceGrpcServiceTest {
    private OpenInferenceTestServer server;
    private ManagedChannel channel;
    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    void start(@TempDir Path home) {
        server = new OpenInferenceTestServer(home);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void answersHealthAndMetadata() {
        assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
        assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("trips").build()).getReady()).isTrue();
        assertThat(stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName()).isEqualTo("carrara");
        ModelMetadataResponse metadata = stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("trips").build());
        assertThat(metadata.getVersionsList()).containsExactly(server.trips.toString());
        assertThat(metadata.getInputsList()).anySatisfy(input -> {
            assertThat(input.getName()).isEqualTo("city");
            assertThat(input.getDatatype()).isEqualTo("BYTES");
            assertThat(input.getShapeList()).containsExactly(-1L);
        });
        assertThat(metadata.getOutputsList()).anySatisfy(output -> {
            assertThat(output.getName()).isEqualTo("probability");
            assertThat(output.getShapeList()).containsExactly(-1L, 2L);
        });
    }

    @Test
    void infersWithTypedContentsAsSparkDoes() {
        GoldenRows rows = GoldenRows.scored("trips-logistic-regression", GoldenRows::complete);
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("trips").setId("g-1");
        for (Field field : OpenInferenceRestApiTest.tripsSchema().fields()) {
            request.addInputs(typed(field, rows));
        }
        ModelInferResponse response = stub.modelInfer(request.build());
        assertThat(response.getModelName()).isEqualTo("trips");
        assertThat(response.getModelVersion()).isEqualTo(server.trips.toString());
        assertThat(response.getId()).isEqualTo("g-1");
        assertThat(response.getRawOutputContentsCount()).isZero();
        assertThat(response.getOutputsCount()).isEqualTo(11);
        for (ModelInferResponse.InferOutputTensor output : response.getOutputsList()) {
            assertThat(output.getDatatype()).isEqualTo("FP64");
            rows.assertMatches(output.getName(), output.getShapeList(),
                    output.getContents().getFp64ContentsList().stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    @Test
    void infersWithRawLittleEndianContentsAndAnswersRaw() {
        GoldenRows rows = GoldenRows.scored("trips-logistic-regression", GoldenRows::complete);
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("trips")
                .setModelVersion(server.trips.toString())
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("probability"))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("prediction"));
        for (Field field : OpenInferenceRestApiTest.tripsSchema().fields()) {
            ModelInferRequest.InferInputTensor typed = typed(field, rows);
            request.addInputs(typed.toBuilder().clearContents());
            request.addRawInputContents(raw(field, rows));
        }
        ModelInferResponse response = stub.modelInfer(request.build());
        assertThat(response.getOutputsList()).extracting(ModelInferResponse.InferOutputTensor::getName)
                .containsExactly("probability", "prediction");
        assertThat(response.getRawOutputContentsCount()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            ModelInferResponse.InferOutputTensor output = response.getOutputs(i);
            assertThat(output.hasContents()).isFalse();
            ByteBuffer buffer = response.getRawOutputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            double[] values = new double[buffer.remaining() / 8];
            for (int j = 0; j < values.length; j++) {
                values[j] = buffer.getDouble();
            }
            rows.assertMatches(output.getName(), output.getShapeList(), values);
        }
    }

    @Test
    void answersRawOnlyWhenAskedWithTypedInput() {
        GoldenRows rows = GoldenRows.scored("bare-logistic-regression", input -> true);
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("bare")
                .putParameters(ProtoTensors.BINARY_OUTPUT_PARAMETER, InferParameter.newBuilder().setBoolParam(true).build());
        request.addInputs(typed(new Field("features", DataType.VECTOR), rows));
        ModelInferResponse response = stub.modelInfer(request.build());
        assertThat(response.getRawOutputContentsCount()).isEqualTo(3);
        ByteBuffer prediction = response.getRawOutputContents(2).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = prediction.getDouble();
        }
        rows.assertMatches("prediction", response.getOutputs(2).getShapeList(), values);
    }

    @Test
    void mapsErrorsToGrpcStatuses() {
        assertStatus(() -> stub.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()), Status.Code.NOT_FOUND, "nope");
        assertStatus(() -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("trips").setVersion("v9").build()),
                Status.Code.NOT_FOUND, "has no version 'v9'");
        ModelInferRequest wrongType = ModelInferRequest.newBuilder().setModelName("trips")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("city").setDatatype("FP64").addShape(1)
                        .setContents(InferTensorContents.newBuilder().addFp64Contents(1.0)))
                .build();
        assertStatus(() -> stub.modelInfer(wrongType), Status.Code.INVALID_ARGUMENT, "input 'city' has datatype FP64");
        ModelInferRequest wrongField = ModelInferRequest.newBuilder().setModelName("trips")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("distance").setDatatype("FP64").addShape(2)
                        .setContents(InferTensorContents.newBuilder().addFp32Contents(1f).addFp32Contents(2f)))
                .build();
        assertStatus(() -> stub.modelInfer(wrongField), Status.Code.INVALID_ARGUMENT, "0 in contents.fp64_contents");
        ModelInferRequest shortRaw = ModelInferRequest.newBuilder().setModelName("trips")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("distance").setDatatype("FP64").addShape(2))
                .addRawInputContents(ByteString.copyFrom(new byte[12]))
                .build();
        assertStatus(() -> stub.modelInfer(shortRaw), Status.Code.INVALID_ARGUMENT, "12 bytes", "need 16 bytes");
        ModelInferRequest badRow = ModelInferRequest.newBuilder().setModelName("bare")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("features").setDatatype("FP64")
                        .addShape(1).addShape(2)
                        .setContents(InferTensorContents.newBuilder().addFp64Contents(1.0).addFp64Contents(2.0)))
                .build();
        assertStatus(() -> stub.modelInfer(badRow), Status.Code.INVALID_ARGUMENT, "row 0, column features");
        // Each failed row's own error follows the request's in the details.
        assertThatThrownBy(() -> stub.modelInfer(badRow)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            com.google.rpc.Status rich = io.grpc.protobuf.StatusProto.fromThrowable(e);
            assertThat(rich).isNotNull();
            assertThat(rich.getDetailsCount()).isEqualTo(2);
            com.google.rpc.ErrorInfo request;
            com.google.rpc.ErrorInfo row;
            try {
                request = rich.getDetails(0).unpack(com.google.rpc.ErrorInfo.class);
                row = rich.getDetails(1).unpack(com.google.rpc.ErrorInfo.class);
            } catch (com.google.protobuf.InvalidProtocolBufferException invalid) {
                throw new AssertionError(invalid);
            }
            assertThat(request.getReason()).isEqualTo("INVALID_ARGUMENT");
            assertThat(request.getMetadataMap()).containsEntry("field", "inputs");
            assertThat(row.getReason()).isEqualTo("ROW_INVALID");
            assertThat(row.getDomain()).isEqualTo("carrara.io");
            assertThat(row.getMetadataMap()).containsEntry("row", "0").containsEntry("number", "131077")
                    .containsEntry("type", "INVALID_INPUT").containsEntry("column", "features");
            assertThat(row.getMetadataMap().get("message")).contains("features");
        });
        // Carrara's own code travels in the status details, as gRPC's rich error model puts it.
        assertThatThrownBy(() -> stub.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    com.google.rpc.Status rich = io.grpc.protobuf.StatusProto.fromThrowable(e);
                    assertThat(rich).isNotNull();
                    com.google.rpc.ErrorInfo info;
                    try {
                        info = rich.getDetails(0).unpack(com.google.rpc.ErrorInfo.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException invalid) {
                        throw new AssertionError(invalid);
                    }
                    assertThat(info.getReason()).isEqualTo("NOT_FOUND");
                    assertThat(info.getDomain()).isEqualTo("carrara.io");
                    assertThat(info.getMetadataMap()).containsEntry("number", "2").containsEntry("type", "NOT_FOUND");
                });
        server.deployBroken("broken");
        try {
            assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("broken").build()).getReady()).isFalse();
            assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isFalse();
            assertStatus(() -> stub.modelInfer(badRow.toBuilder().setModelName("broken").build()), Status.Code.UNAVAILABLE,
                    "broken is not ready", "is not JSON");
        } finally {
            server.undeploy("broken");
        }
    }

    private static void assertStatus(Runnable call, Status.Code code, String... fragments) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(fragments);
        });
    }

    /** A column of golden input rows as a typed tensor of the column's protocol data type. */
    static ModelInferRequest.InferInputTensor typed(Field field, GoldenRows rows) {
        TensorType type = TensorType.of(field.type());
        ModelInferRequest.InferInputTensor.Builder tensor = ModelInferRequest.InferInputTensor.newBuilder()
                .setName(field.name()).setDatatype(type.name()).addShape(rows.size());
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (JsonNode row : rows.inputs()) {
            JsonNode value = row.get(field.name());
            if (value.isArray()) {
                value.forEach(element -> contents.addFp64Contents(element.asDouble()));
                continue;
            }
            switch (type) {
                case BOOL -> contents.addBoolContents(value.asBoolean());
                case INT32 -> contents.addIntContents(value.asInt());
                case FP64 -> contents.addFp64Contents(value.asDouble());
                case BYTES -> contents.addBytesContents(ByteString.copyFromUtf8(value.asText()));
                default -> throw new IllegalArgumentException(type.name());
            }
        }
        if (rows.inputs().get(0).get(field.name()).isArray()) {
            tensor.addShape(rows.inputs().get(0).get(field.name()).size());
        }
        return tensor.setContents(contents).build();
    }

    /** The same column as raw_input_contents: little-endian, BOOL one byte, BYTES length-prefixed. */
    static ByteString raw(Field field, GoldenRows rows) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * rows.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode row : rows.inputs()) {
            JsonNode value = row.get(field.name());
            switch (TensorType.of(field.type())) {
                case BOOL -> buffer.put((byte) (value.asBoolean() ? 1 : 0));
                case INT32 -> buffer.putInt(value.asInt());
                case FP64 -> buffer.putDouble(value.asDouble());
                case BYTES -> {
                    byte[] bytes = value.asText().getBytes(StandardCharsets.UTF_8);
                    buffer.putInt(bytes.length).put(bytes);
                }
                default -> throw new IllegalArgumentException(field.type().name());
            }
        }
        buffer.flip();
        return ByteString.copyFrom(buffer);
    }

    @Test
    void aMessageOverTheLimitIsResourceExhaustedNamingTheLimit() {
        // 2 MiB of raw contents: over the server's request limit (limits.maxRequestBytes, 1 MiB by default).
        ModelInferRequest large = ModelInferRequest.newBuilder().setModelName("trips")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("distance").setDatatype("FP64")
                        .addShape(262_144))
                .addRawInputContents(ByteString.copyFrom(new byte[2 << 20]))
                .build();
        assertThatThrownBy(() -> stub.modelInfer(large)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).contains("limits.maxRequestBytes");
        });
        // The channel and the server are fine afterwards.
        assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    }

    @Test
    void decodesHalfPrecisionFloats() {
        assertThat(ProtoTensors.halfToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(ProtoTensors.halfToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(ProtoTensors.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(ProtoTensors.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(ProtoTensors.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(ProtoTensors.halfToFloat((short) 0x7E00)).isNaN();
        assertThat(List.of(ProtoTensors.halfToFloat((short) 0x7BFF))).containsExactly(65504f);
    }
}
