package io.carrara.rules.parse;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.carrara.rules.RuleException;
import io.carrara.rules.RulesErrorCode;
import io.carrara.rules.SourcePosition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one YAML document into a {@link YamlNode} tree with positions, refusing duplicate keys and
 * nesting deeper than {@link #MAX_DEPTH}. Jackson's data binding would lose the positions, and a
 * rule author needs them.
 */
final class YamlReader {
    static final int MAX_DEPTH = 32;

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 8).build())
            .build();

    private final String file;

    private YamlReader(String file) {
        this.file = file;
    }

    /** The document {@code text} holds; {@code file} names it in positions and errors. */
    static YamlNode read(String file, String text) {
        YamlReader reader = new YamlReader(file);
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new RuleException(RulesErrorCode.RULE_INVALID, SourcePosition.of(file),
                        "the file is empty; a rule is a YAML mapping with at least a name");
            }
            YamlNode root = reader.node(parser, 0);
            JsonToken next = parser.nextToken();
            if (next != null) {
                throw new RuleException(RulesErrorCode.RULE_INVALID, reader.position(parser.currentTokenLocation()),
                        "the file holds more than one YAML document; put one rule in each file");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            SourcePosition position = location == null ? SourcePosition.of(file) : reader.position(location);
            throw new RuleException(RulesErrorCode.RULE_INVALID, position, "not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new RuleException(RulesErrorCode.RULE_INVALID, SourcePosition.of(file), "cannot read YAML: " + e.getMessage(), e);
        }
    }

    private YamlNode node(JsonParser parser, int depth) throws IOException {
        SourcePosition position = position(parser.currentTokenLocation());
        if (depth > MAX_DEPTH) {
            throw new RuleException(RulesErrorCode.RULE_INVALID, position, "nested deeper than " + MAX_DEPTH + " levels");
        }
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<YamlNode.Key, YamlNode> entries = new LinkedHashMap<>();
                Set<String> names = new HashSet<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    YamlNode.Key key = new YamlNode.Key(parser.currentName(), position(parser.currentTokenLocation()));
                    if (!names.add(key.name())) {
                        throw new RuleException(RulesErrorCode.RULE_INVALID, key.position(),
                                "the key '" + key.name() + "' appears twice in the same mapping");
                    }
                    parser.nextToken();
                    entries.put(key, node(parser, depth + 1));
                }
                return new YamlNode.Mapping(entries, position);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(parser, depth + 1));
                }
                return new YamlNode.Sequence(items, position);
            }
            case VALUE_STRING:
                return new YamlNode.Scalar(parser.getText(), parser.getText(), position);
            case VALUE_NUMBER_INT:
                return new YamlNode.Scalar(parser.getText(), integer(parser), position);
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(parser.getText(), parser.getDoubleValue(), position);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode.Scalar(parser.getText(), parser.getBooleanValue(), position);
            case VALUE_NULL:
                return new YamlNode.Scalar(null, null, position);
            default:
                throw new RuleException(RulesErrorCode.RULE_INVALID, position, "unexpected YAML content " + token);
        }
    }

    private static Object integer(JsonParser parser) throws IOException {
        // A whole number too large for a long stays text, so it is reported rather than rounded.
        return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getText() : parser.getLongValue();
    }

    private SourcePosition position(JsonLocation location) {
        return new SourcePosition(file, Math.max(0, location.getLineNr()), Math.max(0, location.getColumnNr()));
    }
}
