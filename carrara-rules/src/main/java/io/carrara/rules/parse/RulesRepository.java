package io.carrara.rules.parse;

import static java.util.Objects.requireNonNull;

import io.carrara.rules.Rule;
import io.carrara.rules.RuleException;
import io.carrara.rules.RuleProblem;
import io.carrara.rules.RulesErrorCode;
import io.carrara.rules.SourcePosition;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.SandboxLimits;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads every rule file ({@code *.yaml}, {@code *.yml}) under a directory, such as a checkout of the
 * rules Git repository: at most {@link #MAX_FILES} files of at most {@link #MAX_FILE_BYTES} bytes
 * each, skipping hidden entries ({@code .git}) and refusing symbolic links that lead out of the
 * directory. A file that does not parse, or whose rule name another file already uses, becomes a
 * problem of the {@link RuleSet} with its file and position; the other files still load.
 * <pre>{@code
 * RuleSet rules = RulesRepository.withDefaults().load(Path.of("rules"));
 * rules.problems().forEach(System.err::println);
 * }</pre>
 */
public final class RulesRepository {
    public static final int MAX_FILES = 1_000;
    public static final int MAX_FILE_BYTES = 64 * 1024;
    static final int MAX_DEPTH = 16;

    private final RuleParser parser;

    public RulesRepository(RuleParser parser) {
        this.parser = requireNonNull(parser, "parser is null");
    }

    /** A repository whose rules run in a sandbox with {@link SandboxLimits#DEFAULTS}. */
    public static RulesRepository withDefaults() {
        return new RulesRepository(new RuleParser(new ExpressionSandbox(SandboxLimits.DEFAULTS)));
    }

    /**
     * Loads the rules under {@code directory}; throws {@link CarraraException} with
     * {@code RULES_DIRECTORY_INVALID} only when the directory as a whole cannot be read.
     */
    public RuleSet load(Path directory) {
        requireNonNull(directory, "directory is null");
        Path root;
        try {
            root = directory.toRealPath();
        } catch (IOException e) {
            throw new CarraraException(RulesErrorCode.RULES_DIRECTORY_INVALID, "cannot read the rules directory "
                    + directory + ": " + e.getMessage(), "directory", e);
        }
        if (!Files.isDirectory(root)) {
            throw new CarraraException(RulesErrorCode.RULES_DIRECTORY_INVALID, directory + " is not a directory",
                    "directory");
        }
        List<RuleProblem> problems = new ArrayList<>();
        Map<String, Path> files = ruleFiles(root, problems);
        List<Rule> rules = new ArrayList<>();
        Map<String, String> fileOfRule = new HashMap<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            String name = file.getKey();
            try {
                Rule rule = parser.parse(name, read(name, file.getValue()));
                String other = fileOfRule.putIfAbsent(rule.name(), name);
                if (other != null) {
                    problems.add(new RuleProblem(RulesErrorCode.RULE_NAME_DUPLICATE.toErrorCode(), SourcePosition.of(name),
                            "the rule name '" + rule.name() + "' is already used by " + other + "; rule names must be unique"));
                    continue;
                }
                rules.add(rule);
            } catch (RuleException e) {
                problems.add(e.toProblem());
            }
        }
        return new RuleSet(rules, problems);
    }

    private static Map<String, Path> ruleFiles(Path root, List<RuleProblem> problems) {
        Map<String, Path> files = new TreeMap<>();
        try {
            Files.walkFileTree(root, java.util.Set.of(), MAX_DEPTH, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return !dir.equals(root) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (isHidden(file) || !isRuleFile(file)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String name = root.relativize(file).toString().replace('\\', '/');
                    Path target = file;
                    if (attributes.isSymbolicLink()) {
                        Path real;
                        try {
                            real = file.toRealPath();
                        } catch (IOException e) {
                            problems.add(problem(name, "a symbolic link to nothing"));
                            return FileVisitResult.CONTINUE;
                        }
                        if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                            problems.add(problem(name, "a symbolic link that leads out of the rules directory; skipped"));
                            return FileVisitResult.CONTINUE;
                        }
                        target = real;
                    } else if (!attributes.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (files.size() == MAX_FILES) {
                        throw new CarraraException(RulesErrorCode.RULES_DIRECTORY_INVALID, "the rules directory " + root
                                + " holds more than " + MAX_FILES + " rule files; split it", "directory");
                    }
                    files.put(name, target);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CarraraException(RulesErrorCode.RULES_DIRECTORY_INVALID, "cannot list the rules directory " + root
                    + ": " + e.getMessage(), "directory", e);
        }
        return files;
    }

    private static String read(String name, Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new RuleException(RulesErrorCode.RULE_INVALID, SourcePosition.of(name), "the file is " + size
                        + " bytes; a rule file may have at most " + MAX_FILE_BYTES);
            }
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RuleException(RulesErrorCode.RULE_INVALID, SourcePosition.of(name), "the file is not UTF-8 text");
        } catch (IOException e) {
            throw new RuleException(RulesErrorCode.RULE_INVALID, SourcePosition.of(name), "cannot read the file: "
                    + e.getMessage());
        }
    }

    private static boolean isRuleFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static boolean isHidden(Path path) {
        return path.getFileName() != null && path.getFileName().toString().startsWith(".");
    }

    private static RuleProblem problem(String file, String message) {
        return new RuleProblem(RulesErrorCode.RULES_DIRECTORY_INVALID.toErrorCode(), SourcePosition.of(file), message);
    }
}
