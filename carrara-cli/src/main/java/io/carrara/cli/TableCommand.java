package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.api.table.ImportResult;
import io.carrara.api.table.TableColumn;
import io.carrara.api.table.TableDescription;
import io.carrara.api.table.TableSummary;
import io.carrara.client.CarraraClient;
import io.carrara.client.TableFormat;
import io.carrara.spi.error.CarraraException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara table import|export|list|describe}: data in and out of the server's Spark tables. */
@Command(name = "table",
        description = {
            "Import files into the server's Spark tables, export tables to files, and list and describe them.",
            "Table names are table or database.table (letters, digits and _); a database is created on first use."
        },
        subcommands = {TableCommand.Import.class, TableCommand.Export.class, TableCommand.Listing.class,
            TableCommand.Describe.class})
final class TableCommand extends GroupCommand {

    @Command(name = "import",
            description = {
                "Stream a CSV file (with a header row) or a JSON Lines file into a table, creating it when new and"
                        + " replacing its rows unless --append; a progress bar shows on stderr for large files.",
                "Prints the rows imported and the table's columns."
            },
            footerHeading = "%nExample:%n",
            footer = "  carrara table import trips.csv --table ml.trips --schema-infer")
    static final class Import extends ClientCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "A .csv or .jsonl file.")
        Path file;

        @Option(names = "--table", required = true, paramLabel = "TABLE", description = "The table to write, e.g. ml.trips.")
        String table;

        @Option(names = "--format", paramLabel = "FORMAT", converter = TableFormatConverter.class,
                description = "csv or jsonl (default: from the file's extension).")
        TableFormat format;

        @Option(names = "--schema-infer", description = "Let Spark infer the column types from the data.")
        boolean inferSchema;

        @Option(names = "--schema", paramLabel = "DDL",
                description = "The columns and types as Spark DDL, e.g. 'city STRING, distance_km DOUBLE' (not with --schema-infer).")
        String schema;

        @Option(names = "--append", description = "Add the rows to the table's rows instead of replacing them.")
        boolean append;

        @Option(names = "--json", description = "Print the import result as JSON.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            TableFormat chosen = format != null ? format : formatOf(file);
            ImportResult result;
            try (TransferBar bar = TransferBar.on(err(), "importing " + file.getFileName())) {
                result = client.tables().importFile(file, table, chosen, inferSchema, Optional.ofNullable(schema), append, bar);
            }
            if (json) {
                out().println(Display.prettyJson(result));
                return;
            }
            out().println("imported " + result.rowsImported() + " rows into " + result.table() + " (" + result.rowsInTable()
                    + " rows in the table)");
            printColumns(result.columns(), out());
        }
    }

    @Command(name = "export",
            description = {
                "Stream a table's rows, or those matching --where, into a CSV (with a header row) or JSON Lines file.",
                "The file is written in full or not at all: a failed export leaves an existing file as it was."
            },
            footerHeading = "%nExample:%n",
            footer = {
                "  carrara table export ml.trip_predictions --output out.jsonl \\",
                "      --where \"execution_date = '2026-11-01'\""
            })
    static final class Export extends ClientCommand {
        @Parameters(index = "0", paramLabel = "TABLE", description = "The table to read, e.g. ml.trip_predictions.")
        String table;

        @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the rows, e.g. out.jsonl or out.csv.")
        Path output;

        @Option(names = "--where", paramLabel = "CONDITION",
                description = "Only rows matching this Spark SQL condition, e.g. \"execution_date = '2026-11-01'\".")
        String where;

        @Option(names = "--format", paramLabel = "FORMAT", converter = TableFormatConverter.class,
                description = "csv or jsonl (default: from the output file's extension).")
        TableFormat format;

        @Override
        void execute(CarraraClient client) {
            TableFormat chosen = format != null ? format : formatOf(output);
            long rows = client.tables().export(table, chosen, Optional.ofNullable(where), output);
            out().println("wrote " + (rows >= 0 ? rows + " rows of " : "") + table + " to " + output);
        }
    }

    @Command(name = "list", description = "List the tables of one database, or of every database.")
    static final class Listing extends ClientCommand {
        @Option(names = "--database", paramLabel = "DB", description = "Only this database's tables, e.g. ml.")
        String database;

        @Option(names = "--json", description = "Print one JSON object per table and line.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            List<TableSummary> tables = client.tables().list(Optional.ofNullable(database));
            if (json) {
                for (TableSummary table : tables) {
                    out().println(Display.jsonLine(table));
                }
                return;
            }
            TextTable text = TextTable.withHeader("name", "type");
            tables.forEach(table -> text.row(table.name(), table.type()));
            text.print(out());
        }
    }

    @Command(name = "describe", description = "Show a table's type, partition columns and columns, and with --count its row count.")
    static final class Describe extends ClientCommand {
        @Parameters(paramLabel = "TABLE", description = "The table, e.g. ml.trips.")
        String table;

        @Option(names = "--count", description = "Count the rows too (reads the whole table).")
        boolean count;

        @Option(names = "--json", description = "Print the description as JSON.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            TableDescription description = client.tables().describe(table, count);
            if (json) {
                out().println(Display.prettyJson(description));
                return;
            }
            TextTable summary = TextTable.keyValue()
                    .row("name", description.name())
                    .row("type", description.type())
                    .row("partition_columns", String.join(", ", description.partitionColumns()));
            if (count) {
                summary.row("rows", description.rows());
            }
            summary.print(out());
            out().println();
            printColumns(description.columns(), out());
        }
    }

    private static TableFormat formatOf(Path file) {
        return TableFormat.ofFileName(file).orElseThrow(() -> new CarraraException(INVALID_ARGUMENT,
                "cannot tell the format of " + file + " from its name; pass --format csv or --format jsonl", "format"));
    }

    private static void printColumns(List<TableColumn> columns, PrintWriter out) {
        TextTable table = TextTable.withHeader("column", "type", "nullable", "partition");
        for (TableColumn column : columns) {
            table.row(column.name(), column.type(), column.nullable() ? "yes" : "no", column.partition() ? "yes" : "no");
        }
        table.print(out);
    }
}
