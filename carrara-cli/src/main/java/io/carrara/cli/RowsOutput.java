package io.carrara.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where {@code carrara score} and {@code carrara predict} write rows: standard output, or a file
 * written in full or not at all (a hidden temporary file beside it, moved into place only when
 * {@link #complete()} was called before {@link #close()}).
 */
final class RowsOutput implements AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final Writer writer;
    private boolean complete;

    private RowsOutput(Path target, Path temporary, Writer writer) {
        this.target = target;
        this.temporary = temporary;
        this.writer = writer;
    }

    /** A file's output when {@code file} is not null, else {@code stdout}, which is flushed but left open. */
    static RowsOutput open(Path file, PrintWriter stdout) throws IOException {
        if (file == null) {
            return new RowsOutput(null, null, new FilterWriter(stdout) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            });
        }
        Path parent = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(parent == null ? Path.of(".") : parent, "." + file.getFileName(), ".partial");
        return new RowsOutput(file, temporary, Files.newBufferedWriter(temporary, StandardCharsets.UTF_8));
    }

    Writer writer() {
        return writer;
    }

    /** Every row is written: closing moves the file into place. */
    void complete() {
        complete = true;
    }

    @Override
    public void close() throws IOException {
        writer.close();
        if (temporary != null) {
            if (complete) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
