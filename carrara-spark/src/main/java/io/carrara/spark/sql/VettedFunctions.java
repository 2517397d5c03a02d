package io.carrara.spark.sql;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Option;

/**
 * The builtin Spark functions user SQL may call, read from {@code functions.txt} beside this class:
 * the accepted functions and table functions, and the refused ones with the reason for each. The
 * file decides on every builtin Spark has, so a name that is in neither list is not a builtin.
 */
final class VettedFunctions {
    static final String RESOURCE = "functions.txt";
    static final String FUNCTIONS = "functions";
    static final String REFUSED_FUNCTIONS = "refused functions";
    static final String TABLE_FUNCTIONS = "table functions";
    static final String REFUSED_TABLE_FUNCTIONS = "refused table functions";

    private static final VettedFunctions INSTANCE = load();

    /** Section name to its names (lower case), each with the reason its group gives (empty for accepted ones). */
    private final Map<String, Map<String, String>> sections;
    /** Class name of a refused builtin's expression to the functions' names, sorted, for the analysed plan. */
    private final Map<String, List<String>> refusedClasses;

    private VettedFunctions(Map<String, Map<String, String>> sections) {
        this.sections = sections;
        this.refusedClasses = refusedClasses(sections.get(FUNCTIONS).keySet(), sections.get(REFUSED_FUNCTIONS).keySet());
    }

    static VettedFunctions get() {
        return INSTANCE;
    }

    boolean acceptsFunction(String name) {
        return sections.get(FUNCTIONS).containsKey(name.toLowerCase(Locale.ROOT));
    }

    boolean acceptsTableFunction(String name) {
        return sections.get(TABLE_FUNCTIONS).containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** Why a refused builtin function is refused; empty for a name that is not a refused builtin. */
    Optional<String> refusedFunction(String name) {
        return Optional.ofNullable(sections.get(REFUSED_FUNCTIONS).get(name.toLowerCase(Locale.ROOT)));
    }

    Optional<String> refusedTableFunction(String name) {
        return Optional.ofNullable(sections.get(REFUSED_TABLE_FUNCTIONS).get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The refused builtin functions an analysed expression of class {@code className} may come
     * from, sorted; empty for any other class. Analysis also turns bare words into functions (a column reference {@code current_user}
     * that names no column becomes that function), so the analysed plan is checked by class too.
     */
    List<String> refusedByClass(String className) {
        return refusedClasses.getOrDefault(className, List.of());
    }

    /** The names of one section, sorted; for the test that holds the file to Spark's registry. */
    Set<String> section(String name) {
        return new TreeSet<>(requireNonNull(sections.get(name), () -> "no section " + name).keySet());
    }

    /**
     * The expression classes of the refused functions, less those an accepted function shares
     * (none today), so that refusing by class never refuses an accepted function.
     */
    private static Map<String, List<String>> refusedClasses(Set<String> accepted, Set<String> refused) {
        Set<String> acceptedClasses = new TreeSet<>();
        accepted.forEach(name -> className(name).ifPresent(acceptedClasses::add));
        Map<String, List<String>> classes = new TreeMap<>();
        for (String name : new TreeSet<>(refused)) {
            className(name).filter(found -> !acceptedClasses.contains(found))
                    .ifPresent(found -> classes.computeIfAbsent(found, key -> new ArrayList<>()).add(name));
        }
        classes.replaceAll((name, names) -> List.copyOf(names));
        return Map.copyOf(classes);
    }

    private static Optional<String> className(String function) {
        Option<ExpressionInfo> info = FunctionRegistry$.MODULE$.builtin().lookupFunction(FunctionIdentifier.apply(function));
        return info.isDefined() ? Optional.ofNullable(info.get().getClassName()) : Optional.empty();
    }

    private static VettedFunctions load() {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        try (InputStream stream = VettedFunctions.class.getResourceAsStream(RESOURCE)) {
            if (stream == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + VettedFunctions.class.getName());
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
            Map<String, String> section = null;
            String reason = "";
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String text = line.strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (text.startsWith("#")) {
                    reason = text.substring(1).strip();
                } else if (text.startsWith("[") && text.endsWith("]")) {
                    section = new TreeMap<>();
                    sections.put(text.substring(1, text.length() - 1), section);
                    reason = "";
                } else if (section == null) {
                    throw new IllegalStateException(RESOURCE + " names " + text + " before its first [section]");
                } else {
                    section.put(text.toLowerCase(Locale.ROOT), reason);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        for (String name : new String[] {FUNCTIONS, REFUSED_FUNCTIONS, TABLE_FUNCTIONS, REFUSED_TABLE_FUNCTIONS}) {
            if (!sections.containsKey(name)) {
                throw new IllegalStateException(RESOURCE + " has no [" + name + "] section");
            }
        }
        sections.replaceAll((name, names) -> Map.copyOf(names));
        return new VettedFunctions(Map.copyOf(sections));
    }
}
