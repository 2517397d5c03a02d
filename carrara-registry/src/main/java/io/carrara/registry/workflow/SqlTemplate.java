package io.carrara.registry.workflow;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables of a workflow's SQL: {@code {{ name }}}, replaced by plain text (quote it in the SQL:
 * {@code WHERE ds >= '{{ window_start }}'}). Three variables and no logic, so a template engine
 * would bring more than it gives; an unknown name is an error, never left in place.
 */
final class SqlTemplate {
    static final Set<String> VARIABLES = Set.of("execution_date", "window_start", "window_end");
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private SqlTemplate() {}

    /** The names {@code sql} uses that are not variables, in order of appearance. */
    static Set<String> unknownVariables(String sql) {
        Set<String> unknown = new LinkedHashSet<>();
        Matcher matcher = VARIABLE.matcher(sql);
        while (matcher.find()) {
            if (!VARIABLES.contains(matcher.group(1))) {
                unknown.add(matcher.group(1));
            }
        }
        return unknown;
    }

    static String render(String sql, Map<String, String> values) {
        Matcher matcher = VARIABLE.matcher(sql);
        StringBuilder out = new StringBuilder(sql.length() + 32);
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new CarraraException(INVALID_ARGUMENT, "unknown variable {{ " + matcher.group(1) + " }}; the variables are "
                        + String.join(", ", VARIABLES.stream().sorted().toList()), "sql");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A window bound: a date when it falls on midnight (an SLA in whole days), else a timestamp. */
    static String text(LocalDateTime bound) {
        return bound.toLocalTime().equals(LocalTime.MIDNIGHT) ? bound.toLocalDate().toString() : TIMESTAMP.format(bound);
    }
}
