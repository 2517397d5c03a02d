package io.carrara.rules.parse;

import io.carrara.rules.SourcePosition;
import java.util.function.IntFunction;

/**
 * Maps a character of a YAML scalar's value back to its line and column in the file, so that an
 * error inside an expression points at the file. Exact for plain scalars (on one line or folded over
 * several), single-line quoted scalars and literal blocks ({@code |}); for folded blocks ({@code >})
 * and multi-line quoted scalars it points at the start of the value.
 */
final class SourceMap {
    private final String[] lines;

    SourceMap(String text) {
        this.lines = text.split("\r?\n", -1);
    }

    /** The position of the character at each offset of {@code scalar}'s text. */
    IntFunction<SourcePosition> locator(YamlNode.Scalar scalar) {
        SourcePosition start = scalar.position();
        String text = scalar.text() == null ? "" : scalar.text();
        int line = start.line();
        int column = start.column();
        if (line < 1 || line > lines.length || column < 1) {
            return offset -> start;
        }
        String source = lines[line - 1];
        char first = column - 1 < source.length() ? source.charAt(column - 1) : ' ';
        if (first == '|') {
            return offset -> literalBlock(start, text, offset);
        }
        if (first == '>') {
            return offset -> firstContentLine(start);
        }
        if (first == '\'' || first == '"') {
            boolean oneLine = text.indexOf('\n') < 0 && source.indexOf(first, column) >= 0;
            return offset -> oneLine ? new SourcePosition(start.file(), line, column + 1 + offset) : start;
        }
        return offset -> plain(start, offset);
    }

    private SourcePosition plain(SourcePosition start, int offset) {
        int line = start.line();
        int from = start.column() - 1;
        int remaining = offset;
        while (line <= lines.length) {
            String source = lines[line - 1];
            int end = stripEnd(source);
            int length = Math.max(0, end - from);
            if (remaining < length || line == lines.length) {
                return new SourcePosition(start.file(), line, from + 1 + Math.min(remaining, Math.max(0, length)));
            }
            remaining -= length + 1;
            line++;
            while (line <= lines.length && lines[line - 1].isBlank()) {
                line++;
            }
            if (line > lines.length) {
                break;
            }
            from = indentation(lines[line - 1]);
        }
        return start;
    }

    private SourcePosition literalBlock(SourcePosition start, String text, int offset) {
        SourcePosition content = firstContentLine(start);
        int lineInText = 0;
        int lineStart = 0;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                lineInText++;
                lineStart = i + 1;
            }
        }
        return new SourcePosition(start.file(), content.line() + lineInText, content.column() + (offset - lineStart));
    }

    private SourcePosition firstContentLine(SourcePosition start) {
        for (int line = start.line() + 1; line <= lines.length; line++) {
            if (!lines[line - 1].isBlank()) {
                return new SourcePosition(start.file(), line, indentation(lines[line - 1]) + 1);
            }
        }
        return start;
    }

    private static int indentation(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int stripEnd(String line) {
        int end = line.length();
        int comment = line.indexOf(" #");
        if (comment >= 0) {
            end = comment;
        }
        while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        return end;
    }
}
