package io.carrara.server.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.spi.error.ErrorCatalog;
import io.carrara.spi.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every module's error codes, as the server's class path holds them: each module owns one range of
 * numbers, every code lies inside its module's range, and numbers and names are unique across
 * modules, because clients match on both and a code never changes meaning. docs/api.md lists them all.
 */
class ErrorCodesTest {
    private static final Set<String> MODULES = Set.of("carrara-spi", "carrara-registry", "carrara-pipeline", "carrara-serving",
            "carrara-spark", "carrara-batch", "carrara-python", "carrara-rules");

    private static List<ErrorCatalog> catalogs() {
        List<ErrorCatalog> catalogs = new ArrayList<>();
        ServiceLoader.load(ErrorCatalog.class).forEach(catalogs::add);
        catalogs.sort(Comparator.comparingInt(ErrorCatalog::rangeStart));
        return catalogs;
    }

    @Test
    void everyModuleHasOneRangeAndItsCodesLieInsideIt() {
        List<ErrorCatalog> catalogs = catalogs();
        assertThat(catalogs).extracting(ErrorCatalog::module).containsExactlyInAnyOrderElementsOf(MODULES);
        Map<Integer, String> ranges = new HashMap<>();
        for (ErrorCatalog catalog : catalogs) {
            assertThat(catalog.rangeStart() % ErrorCatalog.RANGE_SIZE).as(catalog.module()).isZero();
            assertThat(ranges.put(catalog.rangeStart(), catalog.module())).as("range of " + catalog.module()).isNull();
            assertThat(catalog.codes()).as(catalog.module()).isNotEmpty().allSatisfy(code -> assertThat(code.code())
                    .as(code.name()).isBetween(catalog.rangeStart() + 1, catalog.rangeStart() + ErrorCatalog.RANGE_SIZE - 1));
        }
    }

    @Test
    void numbersAndNamesAreUniqueAcrossModules() {
        Map<Integer, String> numbers = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (ErrorCatalog catalog : catalogs()) {
            for (ErrorCode code : catalog.codes()) {
                assertThat(numbers.put(code.code(), code.name())).as("number " + code.code() + " of " + code.name()).isNull();
                assertThat(names.put(code.name(), catalog.module())).as("name " + code.name()).isNull();
            }
        }
    }

    @Test
    void theApiReferenceListsEveryCodeWithItsNumberAndType() throws IOException {
        String reference = Files.readString(Path.of("../docs/api.md"));
        Set<String> missing = new TreeSet<>();
        StringBuilder table = new StringBuilder("| code | number | type (HTTP status) | module | meaning |\n"
                + "| --- | ---: | --- | --- | --- |\n");
        for (ErrorCatalog catalog : catalogs()) {
            for (ErrorCode code : catalog.codes()) {
                String row = row(catalog, code);
                table.append(row).append(" … |\n");
                if (reference.lines().noneMatch(line -> line.startsWith(row + " "))) {
                    missing.add(code.name());
                }
            }
        }
        assertThat(missing).as("codes missing from docs/api.md's error table, whose rows begin:\n" + table).isEmpty();
        assertThat(reference.lines().filter(line -> line.startsWith("| `")
                && MODULES.stream().anyMatch(module -> line.contains(") | " + module + " | "))).count())
                .as("no code listed that no module has").isEqualTo(catalogs().stream().mapToLong(c -> c.codes().size()).sum());
    }

    /** A code's row in docs/api.md up to its meaning: {@code | `NAME` | number | TYPE (status) | module |}. */
    private static String row(ErrorCatalog catalog, ErrorCode code) {
        return "| `" + code.name() + "` | " + code.code() + " | " + code.type() + " (" + code.type().httpStatus() + ") | "
                + catalog.module() + " |";
    }
}
