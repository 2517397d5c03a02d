package io.carrara.cli;

import io.carrara.client.CarraraClient;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --table DATABASE.TABLE [--where CONDITION]}, for commands that read rows from a FILE or, instead, from a table of
 * the server's catalog (streamed into a temporary file by {@link TableRowsFile}). Mixed into such commands.
 */
final class TableSource {
    @Option(names = "--table", paramLabel = "DATABASE.TABLE",
            description = "Read the rows from this table of the server's catalog instead of FILE (with the caller's rights on it).")
    String table;

    @Option(names = "--where", paramLabel = "CONDITION",
            description = "With --table: only the rows matching this Spark SQL condition, such as \"ds = '2026-11-02'\".")
    String where;

    /** Checks that exactly one of {@code file} and {@code --table} is given, and {@code --where} only with a table. */
    void check(Path file, CommandSpec spec) {
        if ((file == null) == (table == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give FILE or --table, not " + (file == null ? "neither"
                    : "both"));
        }
        if (where != null && table == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--where filters a --table's rows; give --table too");
        }
    }

    boolean given() {
        return table != null;
    }

    /** The table's rows (those matching {@code --where}) in a temporary JSON Lines file, deleted on close. */
    TableRowsFile export(CarraraClient client) {
        return TableRowsFile.export(client, table, Optional.ofNullable(where));
    }
}
