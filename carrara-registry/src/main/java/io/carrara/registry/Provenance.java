package io.carrara.registry;

import java.util.Map;
import java.util.TreeMap;

/** Where an instance was registered from (Tribuo-style provenance): versions, runtime, platform. */
final class Provenance {
    private Provenance() {}

    /** The provenance of this JVM; a client's own values, when it sends them, take precedence. */
    static Map<String, String> ofThisProcess() {
        Map<String, String> values = new TreeMap<>();
        String version = Provenance.class.getPackage().getImplementationVersion();
        values.put("carraraVersion", version == null ? "dev" : version);
        values.put("javaVersion", System.getProperty("java.version"));
        values.put("javaVendor", System.getProperty("java.vendor"));
        values.put("os", System.getProperty("os.name"));
        values.put("osVersion", System.getProperty("os.version"));
        values.put("arch", System.getProperty("os.arch"));
        return Map.copyOf(values);
    }
}
