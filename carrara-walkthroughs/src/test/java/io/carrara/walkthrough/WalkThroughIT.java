package io.carrara.walkthrough;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.walkthrough.WalkThrough.CodeBlock;
import io.carrara.walkthrough.WalkThroughRunner.Failure;
import io.carrara.walkthrough.WalkThroughRunner.Outcome;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every walk-through in the repository runs as written: the README, the guides in {@code docs/}
 * and every other Markdown file outside {@code src/} and {@code target/}, unless listed in
 * {@link #NOT_WALK_THROUGHS} with the reason. Each document's {@code sh} blocks run in order in one
 * bash, from the repository's root, against a fresh server on a temporary home (see
 * {@link WalkThroughRunner} for the two substitutions), and a failure names the document, the block,
 * its heading and line, and the command as written. The checkout must be as clean afterwards as
 * before. Runs after {@code package}, on the jars the reactor built.
 *
 * <p>How a document marks its blocks:
 * <ul>
 * <li>Code is in fenced blocks with a language. {@code ```sh} (or {@code bash}, {@code shell}) is a
 *     step and runs; any other language ({@code yaml}, {@code text}, {@code json}) is shown only.
 *     Indented code blocks and fences without a language are refused, so that nothing is skipped
 *     because of how it was indented.</li>
 * <li>{@code <!-- illustration: why -->} on the line before a fence: the block is not a step (settings
 *     for another database or S3, a command that needs a cluster, the test command itself) and is
 *     skipped, reported with its reason.</li>
 * <li>{@code <!-- file: examples/trips/workflow.yaml -->} before a block: the block shows the whole of
 *     that repository file, and this test checks that it still does.</li>
 * <li>Any other comment right before a block is refused, so a misspelt marker cannot run a block.
 *     Steps do not join commands with {@code &&} or {@code ||}, because bash's {@code errexit} does
 *     not stop at a failure on their left.</li>
 * <li>{@code ./carrara up} on a line of its own starts the server; blocks after it talk to it.
 *     Files a step writes go under a scratch directory ({@code out=$(mktemp -d)}), never into the
 *     checkout.</li>
 * </ul>
 * Full transcripts are written to {@code target/walkthroughs/}.
 */
class WalkThroughIT {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path TRANSCRIPTS = Path.of("target", "walkthroughs").toAbsolutePath();
    /** Generous: the batch blocks start Spark and run several jobs, and CI machines are shared. */
    private static final Duration BLOCK_TIMEOUT = Duration.ofMinutes(10);
    /** Documents run at once (see {@link #everyWalkThroughRunsAsWritten}). */
    private static final int CONCURRENT_DOCUMENTS = 2;

    /** Markdown files that are not walk-throughs, and why. Every other one is run. */
    private static final Map<String, String> NOT_WALK_THROUGHS = Map.of(
            "docs/api.md", "the API reference, served by the server as it is; its commands are example requests",
            "docs/benchmarks.md", "benchmarks run for minutes to hours and some need PostgreSQL; they are run by hand");

    @TempDir
    static Path scratch;

    /**
     * Each document runs in its own bash, on its own server, port, home and scratch directory, so two run
     * at once: a walk-through waits for JVM start-ups, pip and its server much of the time, and the
     * longest (the README) then overlaps the others. Their checks and reports are per document as
     * before; only the checkout is compared once, after all of them (the last dynamic test), because a
     * file one document writes for a moment would otherwise show in another's comparison.
     */
    @TestFactory
    Stream<DynamicTest> everyWalkThroughRunsAsWritten() throws Exception {
        List<String> documents = documents();
        Optional<String> before = gitStatus();
        ExecutorService runner = Executors.newFixedThreadPool(CONCURRENT_DOCUMENTS, task -> {
            Thread thread = new Thread(task, "walkthrough");
            thread.setDaemon(true);
            return thread;
        });
        // In document order, so the README, the longest, starts first.
        Map<String, Future<?>> runs = new LinkedHashMap<>();
        for (String document : documents) {
            runs.put(document, runner.submit(() -> {
                runAsWritten(document);
                return null;
            }));
        }
        runner.shutdown();
        Stream<DynamicTest> each = documents.stream().map(document -> DynamicTest.dynamicTest(document, () -> awaitRun(runs.get(document))));
        DynamicTest checkout = DynamicTest.dynamicTest("the checkout after every walk-through", () -> {
            assertThat(runner.awaitTermination(documents.size() * 30L, TimeUnit.MINUTES)).as("every walk-through ended").isTrue();
            assertThat(gitStatus()).as(String.join(", ", documents) + " left the checkout as they found it (git status)").isEqualTo(before);
        });
        return Stream.concat(each, Stream.of(checkout));
    }

    /** The run's own assertion error or exception, as if it had run on this thread. */
    private static void awaitRun(Future<?> run) throws Throwable {
        try {
            run.get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    @Test
    void findsTheReadmeAndTheGuides() throws IOException {
        assertThat(documents()).contains("README.md", "docs/batch.md", "examples/trips/README.md");
        for (String excluded : NOT_WALK_THROUGHS.keySet()) {
            assertThat(REPOSITORY.resolve(excluded)).as("a document listed as not a walk-through").isRegularFile();
        }
        assertThat(parse("README.md").steps()).hasSizeGreaterThanOrEqualTo(5);
        assertThat(parse("docs/batch.md").steps()).hasSizeGreaterThanOrEqualTo(3);
    }

    /** The negative test: the batch guide with one referenced file misspelt must fail at that command, and say so. */
    @Test
    void aBrokenCopyOfTheBatchGuideFailsAtTheBrokenCommand() throws Exception {
        String guide = Files.readString(REPOSITORY.resolve("docs/batch.md"), UTF_8);
        assertThat(guide).contains("./carrara table import examples/trips/trips.csv");
        WalkThrough broken = WalkThrough.parse("docs/batch.md (a copy with trips.csv misspelt)",
                guide.replace("examples/trips/trips.csv", "examples/trips/trip.csv"));

        Outcome outcome = new WalkThroughRunner(REPOSITORY, Files.createDirectories(scratch.resolve("broken")), BLOCK_TIMEOUT).run(broken);
        write("docs-batch-broken.log", outcome);

        Failure failure = outcome.failure();
        assertThat(failure).as(outcome.report()).isNotNull();
        assertThat(failure.block().heading()).isEqualTo("From a CSV to scored rows");
        assertThat(failure.command()).isEqualTo("./carrara table import examples/trips/trip.csv --table ml.trips --schema-infer\n");
        assertThat(failure.output()).contains("examples/trips/trip.csv");
        assertThat(outcome.report()).startsWith("docs/batch.md (a copy with trips.csv misspelt), " + failure.block().describe()
                + ": a command failed with exit status ");
        assertThat(outcome.blocks()).filteredOn(run -> run.block().index() > failure.block().index() && run.block().isStep())
                .isNotEmpty().allSatisfy(run -> assertThat(run.status()).isEqualTo("not reached"));
        long server = Long.parseLong(Files.readString(scratch.resolve("broken/server.pid")).trim());
        assertThat(ProcessHandle.of(server).filter(ProcessHandle::isAlive)).as("the server was stopped").isEmpty();
    }

    private static void runAsWritten(String document) throws Exception {
        WalkThrough walkThrough = parse(document);
        for (CodeBlock block : walkThrough.blocks()) {
            if (block.file() != null) {
                assertThat(block.text()).as(document + ", " + block.describe() + " shows " + block.file())
                        .isEqualTo(Files.readString(REPOSITORY.resolve(block.file()), UTF_8));
            }
        }
        Path directory = Files.createDirectories(scratch.resolve(document.replace('/', '-')));

        Outcome outcome = new WalkThroughRunner(REPOSITORY, directory, BLOCK_TIMEOUT).run(walkThrough);
        write(document.replace('/', '-') + ".log", outcome);

        assertThat(outcome.failure()).as(outcome.report()).isNull();
    }

    private static WalkThrough parse(String document) throws IOException {
        return WalkThrough.parse(document, Files.readString(REPOSITORY.resolve(document), UTF_8));
    }

    /** Markdown files of the repository outside source, build and hidden trees, as paths from its root, in order. */
    private static List<String> documents() throws IOException {
        List<String> documents = new ArrayList<>();
        Files.walkFileTree(REPOSITORY, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                String name = directory.getFileName().toString();
                boolean skipped = !directory.equals(REPOSITORY)
                        && (name.startsWith(".") || name.equals("target") || name.equals("src") || name.equals("node_modules"));
                return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String path = REPOSITORY.relativize(file).toString().replace('\\', '/');
                if (path.endsWith(".md") && !NOT_WALK_THROUGHS.containsKey(path)) {
                    documents.add(path);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        documents.sort(null);
        return documents;
    }

    /** {@code git status --porcelain} of the checkout, or empty outside a Git checkout. */
    private static Optional<String> gitStatus() throws IOException, InterruptedException {
        Process git;
        try {
            git = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=all")
                    .directory(REPOSITORY.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException noGit) {
            return Optional.empty();
        }
        String status = new String(git.getInputStream().readAllBytes(), UTF_8);
        return git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0 ? Optional.of(status) : Optional.empty();
    }

    private static void write(String name, Outcome outcome) throws IOException {
        Files.createDirectories(TRANSCRIPTS);
        Files.writeString(TRANSCRIPTS.resolve(name), outcome.report() + "\n" + outcome.transcript()
                + (outcome.serverLog().isEmpty() ? "" : "\n==> server log\n" + outcome.serverLog()), UTF_8);
    }
}
