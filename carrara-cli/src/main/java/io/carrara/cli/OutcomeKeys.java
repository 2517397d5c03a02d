package io.carrara.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** An outcome key's value as the server compares keys (MonitoringStore.keyText): an integral number as its digits. */
final class OutcomeKeys {
    private OutcomeKeys() {}

    /** A text as it is, an integral number as its digits (42.0 is 42), another value as its text; null for null or absent. */
    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber() && node.doubleValue() == Math.rint(node.doubleValue()) && Math.abs(node.doubleValue()) < 1e15) {
            return Long.toString((long) node.doubleValue());
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
