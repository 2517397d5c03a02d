package io.carrara.client;

import io.carrara.api.Page;
import io.carrara.api.registry.Event;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The registry's outbox of changes, oldest first. Reached through {@link CarraraClient#events()}.
 */
public final class EventsClient {
    private final Transport transport;

    EventsClient(Transport transport) {
        this.transport = transport;
    }

    /** Events with an id greater than {@code after}, oldest first. */
    public Page<Event> list(long after, int limit) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("after", after);
        parameters.put("limit", limit);
        return transport.call(transport.request(Transport.withQuery("/api/v1/events", parameters)).GET(), transport.pageOf(Event.class));
    }
}
