package io.carrara.bench.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.carrara.bench.pipeline.Trips;
import io.carrara.bench.pipeline.Trips.Trip;
import io.carrara.server.oip.proto.GrpcPredictV2.InferTensorContents;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferRequest.InferRequestedOutputTensor;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One-row prediction requests for the LR trips pipeline, from {@link Trips#scoringRows} (long-tailed
 * cities, a few unseen cities and payments, all scored through {@code handleInvalid=keep}), encoded
 * once for each protocol. Rows without a city are left out, because typed gRPC contents cannot carry
 * a null. {@code withDistance = false} leaves the {@code distance} column out, for a deployment that
 * looks it up by the row's {@code id} in the feature store. The Open Inference requests ask for the
 * {@code probability} and {@code prediction} outputs only, as a client would; the rows endpoint
 * always answers the whole scored row.
 */
final class TripsRequests {
    static final String FEATURE = "distance";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> OUTPUTS = List.of("probability", "prediction");

    private TripsRequests() {
    }

    /** {@code count} scoring rows with a city, seeded. */
    static List<Trip> trips(int count, long seed) {
        List<Trip> trips = Trips.scoringRows(count + count / 10 + 10, seed).stream().filter(trip -> trip.city() != null).limit(count).toList();
        if (trips.size() < count) {
            throw new IllegalStateException("only " + trips.size() + " of " + count + " rows have a city");
        }
        return trips;
    }

    /** {@code {"rows": [{...}]}} for {@code POST /api/v1/deployments/{name}/predict}. */
    static byte[] rowsBody(Trip trip, boolean withDistance) {
        ObjectNode row = JSON.createObjectNode()
                .put("id", trip.id())
                .put("city", trip.city())
                .put("vendor", trip.vendor())
                .put("payment", trip.payment());
        if (withDistance) {
            row.put(FEATURE, trip.distance());
        }
        row.put("duration", trip.duration()).put("passengers", trip.passengers()).put("airport", trip.airport());
        ObjectNode body = JSON.createObjectNode();
        body.putArray("rows").add(row);
        return bytes(body);
    }

    /** The Open Inference REST body for {@code POST /v2/models/{name}/infer}: one tensor of shape [1] per column. */
    static byte[] inferenceBody(Trip trip, boolean withDistance) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode inputs = body.putArray("inputs");
        input(inputs, "id", "BYTES").add(trip.id());
        input(inputs, "city", "BYTES").add(trip.city());
        input(inputs, "vendor", "BYTES").add(trip.vendor());
        input(inputs, "payment", "BYTES").add(trip.payment());
        if (withDistance) {
            input(inputs, FEATURE, "FP64").add(trip.distance());
        }
        input(inputs, "duration", "FP64").add(trip.duration());
        input(inputs, "passengers", "INT32").add(trip.passengers());
        input(inputs, "airport", "INT32").add(trip.airport());
        ArrayNode outputs = body.putArray("outputs");
        OUTPUTS.forEach(name -> outputs.addObject().put("name", name));
        return bytes(body);
    }

    /** The same request as a gRPC {@code ModelInferRequest} with typed contents. */
    static ModelInferRequest inferRequest(String deployment, Trip trip, boolean withDistance) {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(deployment)
                .addInputs(text("id", trip.id()))
                .addInputs(text("city", trip.city()))
                .addInputs(text("vendor", trip.vendor()))
                .addInputs(text("payment", trip.payment()));
        if (withDistance) {
            request.addInputs(tensor(FEATURE, "FP64", InferTensorContents.newBuilder().addFp64Contents(trip.distance())));
        }
        request.addInputs(tensor("duration", "FP64", InferTensorContents.newBuilder().addFp64Contents(trip.duration())))
                .addInputs(tensor("passengers", "INT32", InferTensorContents.newBuilder().addIntContents(trip.passengers())))
                .addInputs(tensor("airport", "INT32", InferTensorContents.newBuilder().addIntContents(trip.airport())));
        OUTPUTS.forEach(name -> request.addOutputs(InferRequestedOutputTensor.newBuilder().setName(name)));
        return request.build();
    }

    /** A JSON Lines line of the feature table: {@code {"id": "s17", "distance": 3.2}}. */
    static String featureLine(Trip trip) {
        return JSON.createObjectNode().put("id", trip.id()).put(FEATURE, trip.distance()).toString();
    }

    private static ArrayNode input(ArrayNode inputs, String name, String datatype) {
        ObjectNode input = inputs.addObject().put("name", name).put("datatype", datatype);
        input.putArray("shape").add(1);
        return input.putArray("data");
    }

    private static InferInputTensor text(String name, String value) {
        return tensor(name, "BYTES", InferTensorContents.newBuilder().addBytesContents(ByteString.copyFromUtf8(value)));
    }

    private static InferInputTensor tensor(String name, String datatype, InferTensorContents.Builder contents) {
        return InferInputTensor.newBuilder().setName(name).setDatatype(datatype).addShape(1).setContents(contents).build();
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
