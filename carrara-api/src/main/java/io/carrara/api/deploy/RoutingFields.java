package io.carrara.api.deploy;

import java.util.Map;
import java.util.UUID;

/** The flat wire fields of a {@link Routing}: each is null for the alternatives that do not have it. */
final class RoutingFields {
    private RoutingFields() {}

    static UUID instance(Routing routing) {
        return routing instanceof Routing.Pinned pinned ? pinned.instance() : null;
    }

    static String partitionBy(Routing routing) {
        return routing instanceof Routing.Partitioned partitioned ? partitioned.field() : null;
    }

    static Map<String, UUID> instances(Routing routing) {
        return routing instanceof Routing.Partitioned partitioned ? partitioned.instances() : null;
    }

    static UUID fallback(Routing routing) {
        return routing instanceof Routing.Partitioned partitioned ? partitioned.fallback() : null;
    }
}
