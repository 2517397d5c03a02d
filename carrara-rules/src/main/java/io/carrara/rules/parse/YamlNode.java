package io.carrara.rules.parse;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.SourcePosition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where each key and value starts, so that every error
 * about a rule can name its line and column. Mappings keep their keys in file order.
 */
public sealed interface YamlNode {
    SourcePosition position();

    /** What the node is, in words for error messages: "a mapping", "a list", "text", "a number", … */
    String describe();

    /** A key of a mapping, with where the key itself is written. */
    record Key(String name, SourcePosition position) {
        public Key {
            requireNonNull(name, "name is null");
            requireNonNull(position, "position is null");
        }
    }

    record Mapping(Map<Key, YamlNode> entries, SourcePosition position) implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(entries, "entries is null")));
            requireNonNull(position, "position is null");
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(List<YamlNode> items, SourcePosition position) implements YamlNode {
        public Sequence {
            items = List.copyOf(requireNonNull(items, "items is null"));
            requireNonNull(position, "position is null");
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A scalar: its text as written (after YAML unquoting) and its YAML type. {@code value} is a
     * {@code String}, {@code Long}, {@code Double}, {@code Boolean} or null.
     */
    record Scalar(String text, Object value, SourcePosition position) implements YamlNode {
        public Scalar {
            requireNonNull(position, "position is null");
        }

        public boolean isNull() {
            return value == null;
        }

        @Override
        public String describe() {
            if (value == null) {
                return "nothing (null)";
            }
            if (value instanceof String) {
                return "text";
            }
            return value instanceof Boolean ? "true or false" : "a number";
        }
    }
}
