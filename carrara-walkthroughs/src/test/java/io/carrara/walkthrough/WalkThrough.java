package io.carrara.walkthrough;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * The code blocks of one Markdown document, in order, each with the heading it sits under and the
 * marking that says whether it is a step to run. The marking is described on {@link WalkThroughIT}.
 *
 * <pre>WalkThrough readme = WalkThrough.parse("README.md", Files.readString(Path.of("README.md")));</pre>
 *
 * @param document the document's name in messages, its path from the repository root
 * @param blocks every fenced code block, in document order
 */
public record WalkThrough(String document, List<CodeBlock> blocks) {
    /** The info strings of blocks that are shell steps; every other language is only shown. */
    static final Set<String> SHELL = Set.of("sh", "bash", "shell");

    private static final Pattern MARKER = Pattern.compile("<!--\\s*([a-z][a-z -]*[a-z]):\\s*(.*?)\\s*-->", Pattern.DOTALL);
    private static final String ILLUSTRATION = "illustration";
    private static final String FILE = "file";
    private static final Set<String> KNOWN = Set.of(ILLUSTRATION, FILE);

    public WalkThrough {
        requireNonNull(document, "document is null");
        blocks = List.copyOf(blocks);
    }

    /** The blocks the test runs: shell blocks not marked as illustrations. */
    public List<CodeBlock> steps() {
        return blocks.stream().filter(CodeBlock::isStep).toList();
    }

    /**
     * One fenced code block.
     *
     * @param index 1-based, counting every fenced block of the document
     * @param heading the text of the nearest heading above it ("" before the first)
     * @param line the 1-based line in the document of the block's first content line
     * @param language the first word of the info string
     * @param text the block's content, ending with a newline unless empty
     * @param illustration why the block is not a step ({@code <!-- illustration: … -->}), or null
     * @param file the repository file whose whole text the block shows ({@code <!-- file: … -->}), or null
     */
    public record CodeBlock(int index, String heading, int line, String language, String text, String illustration, String file) {
        public CodeBlock {
            requireNonNull(heading, "heading is null");
            requireNonNull(language, "language is null");
            requireNonNull(text, "text is null");
        }

        public boolean isShell() {
            return SHELL.contains(language);
        }

        public boolean isStep() {
            return isShell() && illustration == null;
        }

        /** "block 3 (Using the registry, line 41)". */
        public String describe() {
            return "block " + index + " (" + (heading.isEmpty() ? "" : "\"" + heading + "\", ") + "line " + line + ")";
        }
    }

    /**
     * Reads {@code markdown}. Refuses, naming the line, what would let a block be skipped or run by
     * accident: an indented code block or a fence without a language (no way to tell a shell step from
     * a YAML file), a marker that is not right before a fenced block, and an unknown marker before one
     * (a misspelt {@code illustration} would otherwise run the block).
     */
    public static WalkThrough parse(String document, String markdown) {
        Node root = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS).build().parse(markdown);
        Collector collector = new Collector(document);
        root.accept(collector);
        return new WalkThrough(document, collector.blocks);
    }

    private static final class Collector extends AbstractVisitor {
        private final String document;
        private final List<CodeBlock> blocks = new ArrayList<>();
        private String heading = "";

        Collector(String document) {
            this.document = document;
        }

        @Override
        public void visit(Heading node) {
            heading = text(node);
        }

        @Override
        public void visit(IndentedCodeBlock node) {
            throw problem(node, "an indented code block; use a fenced block with a language (```sh for a step, ```yaml, ```text …)"
                    + " so that the walk-through test can tell a step from a file");
        }

        @Override
        public void visit(HtmlBlock node) {
            Optional<Marker> marker = marker(node);
            if (marker.isPresent() && KNOWN.contains(marker.get().kind()) && !(node.getNext() instanceof FencedCodeBlock)) {
                throw problem(node, "the marker <!-- " + marker.get().kind() + ": … --> must be right before a fenced code block");
            }
        }

        @Override
        public void visit(FencedCodeBlock node) {
            String info = node.getInfo() == null ? "" : node.getInfo().trim();
            String language = info.isEmpty() ? "" : info.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
            if (language.isEmpty()) {
                throw problem(node, "a fenced code block without a language; write ```sh for a step, or the language it shows");
            }
            String illustration = null;
            String file = null;
            // Every comment right above a block is a marker, so that a misspelt one cannot let the block run.
            for (Node previous = node.getPrevious(); previous instanceof HtmlBlock html && html.getLiteral().trim().startsWith("<!--");
                    previous = previous.getPrevious()) {
                Marker marker = marker(html).filter(candidate -> KNOWN.contains(candidate.kind()))
                        .orElseThrow(() -> problem(html, "a comment right before a code block must be a marker:"
                                + " <!-- illustration: why --> or <!-- file: path -->"));
                if (marker.kind().equals(ILLUSTRATION)) {
                    illustration = requireReason(document, html, marker);
                } else {
                    file = requireReason(document, html, marker);
                }
            }
            CodeBlock block = new CodeBlock(blocks.size() + 1, heading, line(node) + 2, language, node.getLiteral(), illustration, file);
            if (block.isStep()) {
                refuseUncheckedFailures(block);
            }
            blocks.add(block);
        }

        /**
         * bash's errexit ignores a failure on the left of {@code &&} or {@code ||}, so a step written
         * {@code a && b} would pass with {@code a} broken; steps put such commands on lines of their own.
         */
        private void refuseUncheckedFailures(CodeBlock block) {
            int line = listOperatorLine(block.text());
            if (line >= 0) {
                throw new IllegalArgumentException(document + " line " + (block.line() + line) + ": a step joins commands with && or ||;"
                        + " bash does not stop when the command on the left fails, so the test could not see it fail."
                        + " Put the commands on lines of their own, or mark the block <!-- illustration: why -->");
            }
        }

        private IllegalArgumentException problem(Node node, String message) {
            return WalkThrough.problem(document, node, message);
        }
    }

    /** The 0-based line of the first {@code &&} or {@code ||} outside quotes and comments in {@code script}, or -1. */
    static int listOperatorLine(String script) {
        int line = 0;
        char quote = 0;
        boolean comment = false;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\n') {
                line++;
                comment = false;
            } else if (comment) {
                continue;
            } else if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    line += skipsNewline(script, i++);
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\\') {
                line += skipsNewline(script, i++);
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(script.charAt(i - 1)))) {
                comment = true;
            } else if ((c == '&' || c == '|') && i + 1 < script.length() && script.charAt(i + 1) == c) {
                return line;
            }
        }
        return -1;
    }

    private static int skipsNewline(String script, int backslash) {
        return backslash + 1 < script.length() && script.charAt(backslash + 1) == '\n' ? 1 : 0;
    }

    private static IllegalArgumentException problem(String document, Node node, String message) {
        return new IllegalArgumentException(document + " line " + (line(node) + 1) + ": " + message);
    }

    private static String requireReason(String document, Node node, Marker marker) {
        if (marker.reason().isEmpty()) {
            throw problem(document, node, "the marker <!-- " + marker.kind() + ": … --> needs a reason or a path after the colon");
        }
        return marker.reason();
    }

    private record Marker(String kind, String reason) {}

    /** A comment of the form {@code <!-- kind: reason -->}, the whole of the HTML block; other HTML is not a marker. */
    private static Optional<Marker> marker(HtmlBlock node) {
        Matcher matcher = MARKER.matcher(node.getLiteral().trim());
        return matcher.matches() ? Optional.of(new Marker(matcher.group(1), matcher.group(2).replaceAll("\\s+", " ")))
                : Optional.empty();
    }

    private static int line(Node node) {
        return node.getSourceSpans().isEmpty() ? 0 : node.getSourceSpans().get(0).getLineIndex();
    }

    private static String text(Node node) {
        StringBuilder text = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text child) {
                text.append(child.getLiteral());
            }

            @Override
            public void visit(Code child) {
                text.append(child.getLiteral());
            }
        });
        return text.toString().trim();
    }
}
