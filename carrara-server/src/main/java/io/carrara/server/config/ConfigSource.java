package io.carrara.server.config;

/** Where an effective setting came from, in increasing precedence. */
public enum ConfigSource {
    DEFAULT("default"),
    FILE("file"),
    ENVIRONMENT("environment"),
    FLAG("flag");

    private final String label;

    ConfigSource(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
