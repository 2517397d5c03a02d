package io.carrara.server.rules;

import static java.util.Objects.requireNonNull;

import io.carrara.api.rules.RuleSyncInfo;
import io.carrara.rules.ActionRule;
import io.carrara.rules.Rule;
import io.carrara.rules.parse.RuleSet;
import io.carrara.rules.parse.RulesRepository;
import io.carrara.rules.testing.RuleTestReport;
import io.carrara.rules.testing.RuleTestRunner;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import io.carrara.spi.io.FileTrees;
import io.carrara.spi.net.OutboundAddressPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a rules repository, runs every rule's tests, and makes active the versions whose tests all pass; a rule
 * whose new version fails its tests (or no longer parses) keeps its previous active version. A repository is a Git
 * URL (cloned with JGit, shallow, the named branch; the commit id is the version) or a directory (the version is
 * {@code sha256:} and the first 16 hex digits of its files' digest). Syncs are serialized.
 *
 * <p>What may be read: a repository named in the server's own settings ({@code rules.repository}, trusted like the
 * rest of its configuration) may be any Git URL or a local path; one named in a request must be an {@code https} (or
 * {@code http}) Git URL whose host the outbound address policy allows.
 */
public final class RuleSync {
    private static final Logger log = LoggerFactory.getLogger(RuleSync.class);
    private static final int CLONE_TIMEOUT_SECONDS = 60;

    private final RuleStore store;
    private final RulesRepository repository;
    private final RuleTestRunner runner;
    private final OutboundAddressPolicy outbound;
    private final Path work;
    private final Consumer<Set<String>> activated;

    /**
     * @param work where clones are made (under the server's home); each sync uses a fresh folder and removes it
     * @param activated told the names of rules whose active version changed, after they are stored
     */
    public RuleSync(RuleStore store, RulesRepository repository, RuleTestRunner runner, OutboundAddressPolicy outbound, Path work,
            Consumer<Set<String>> activated) {
        this.store = requireNonNull(store, "store is null");
        this.repository = requireNonNull(repository, "repository is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.outbound = requireNonNull(outbound, "outbound is null");
        this.work = requireNonNull(work, "work is null");
        this.activated = requireNonNull(activated, "activated is null");
    }

    /** Syncs a repository named in a request: an http(s) Git URL only, checked against the outbound address policy. */
    public RuleSyncInfo syncRequested(String source, String branch, String user) {
        URI uri = requestedUri(source);
        outbound.check(uri, "repository");
        return sync(source, branch, user);
    }

    private static URI requestedUri(String source) {
        if (source == null || source.isBlank()) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "repository is missing: give an https Git URL, or"
                    + " leave both repository and branch out to sync the server's rules.repository setting", "repository");
        }
        if (source.length() > 1000) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "repository is longer than 1000 characters", "repository");
        }
        try {
            URI uri = new URI(source);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // Named below.
        }
        throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "repository must be an https (or http) Git URL without"
                + " credentials in it, such as https://git.example.com/ml/rules.git; a local directory or another kind of URL"
                + " can only be named in the server's rules.repository setting", "repository");
    }

    /** Syncs {@code source} (trusted: from the server's settings, or checked by {@link #syncRequested}). */
    public synchronized RuleSyncInfo sync(String source, String branch, String user) {
        long id = store.syncStarted(source, branch, user);
        Path checkout = null;
        try {
            Files.createDirectories(work);
            checkout = Files.createTempDirectory(work, "sync-");
            String commit;
            Path directory;
            Path local = localDirectory(source);
            if (local != null && !Files.isDirectory(local.resolve(".git"))) {
                directory = local;
                commit = digest(local);
            } else {
                commit = clone(local != null ? local.toUri().toString() : source, branch, checkout);
                directory = checkout;
            }
            Outcome outcome = load(directory, commit);
            store.syncFinished(id, commit, "succeeded", outcome.message(), outcome.activated(), outcome.kept(), outcome.problems());
            log.atInfo().setMessage("rules synced").addKeyValue("source", source).addKeyValue("commit", commit)
                    .addKeyValue("activated", outcome.activated()).addKeyValue("kept", outcome.kept())
                    .addKeyValue("problems", outcome.problems().size()).log();
            if (!outcome.activated().isEmpty() || outcome.removed()) {
                activated.accept(new HashSet<>(outcome.activated()));
            }
        } catch (CarraraException e) {
            store.syncFinished(id, null, "failed", e.getMessage(), null, null, null);
            throw e;
        } catch (IOException | RuntimeException e) {
            String message = "the rules repository could not be read: " + e.getMessage();
            store.syncFinished(id, null, "failed", message, null, null, null);
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, message + "; check the URL, the branch and that the"
                    + " server can reach it", "repository", e);
        } finally {
            if (checkout != null) {
                deleteQuietly(checkout);
            }
        }
        return store.sync(id).orElseThrow();
    }

    private record Outcome(String message, List<String> activated, List<String> kept, List<String> problems, boolean removed) {}

    private Outcome load(Path directory, String commit) throws IOException {
        RuleSet rules = repository.load(directory);
        RuleTestReport report = runner.run(rules);
        List<String> problems = new ArrayList<>();
        rules.problems().forEach(problem -> problems.add(problem.toString()));
        List<RuleStore.NewVersion> versions = new ArrayList<>();
        Set<String> activate = new HashSet<>();
        List<String> kept = new ArrayList<>();
        for (Rule rule : rules.rules()) {
            RuleTestReport.RuleReport tests = report.rules().stream().filter(r -> r.rule().equals(rule.name())).findFirst()
                    .orElse(new RuleTestReport.RuleReport(rule.name(), rule.position().file(), List.of()));
            int failed = (int) tests.tests().stream().filter(test -> !test.passed()).count();
            int passed = tests.tests().size() - failed;
            Path file = directory.resolve(rule.position().file()).normalize();
            String source = file.startsWith(directory) && Files.isRegularFile(file)
                    ? Files.readString(file, StandardCharsets.UTF_8) : "";
            versions.add(new RuleStore.NewVersion(rule.name(), directory.relativize(file).toString(),
                    rule instanceof ActionRule ? "action" : "selection", source, passed, failed, render(tests)));
            if (failed == 0) {
                activate.add(rule.name());
            } else {
                kept.add(rule.name());
                tests.tests().stream().filter(test -> !test.passed())
                        .forEach(test -> problems.add(rule.name() + ": test '" + test.name() + "' failed: " + test.detail()));
            }
        }
        // A rule that disappeared from the repository stops, unless a file did not load: it may be that rule, broken.
        boolean removeMissing = rules.problems().isEmpty();
        Set<String> before = new HashSet<>();
        store.activeRules().forEach(rule -> before.add(rule.name()));
        store.storeVersions(commit, versions, activate, removeMissing);
        Set<String> after = new HashSet<>();
        store.activeRules().forEach(rule -> after.add(rule.name()));
        boolean removed = !after.containsAll(before);
        String message = rules.rules().size() + " rules read: " + activate.size() + " active, " + kept.size()
                + " kept at their previous version (tests failed)"
                + (rules.problems().isEmpty() ? "" : ", " + rules.problems().size() + " files did not load");
        return new Outcome(message, List.copyOf(new java.util.TreeSet<>(activate)), kept, problems, removed);
    }

    private static String render(RuleTestReport.RuleReport report) {
        StringBuilder out = new StringBuilder();
        for (RuleTestReport.TestResult test : report.tests()) {
            out.append(test.passed() ? "PASS " : "FAIL ").append(test.name());
            if (!test.passed() && test.detail() != null) {
                out.append(": ").append(test.detail());
            }
            out.append('\n');
        }
        return out.length() == 0 ? "no tests\n" : out.toString();
    }

    /** The directory {@code source} names, when it is a path or a file: URL rather than a remote Git URL. */
    private static Path localDirectory(String source) {
        if (source.startsWith("file:")) {
            return Path.of(URI.create(source));
        }
        if (source.contains("://") || source.startsWith("git@")) {
            return null;
        }
        Path path = Path.of(source);
        return Files.isDirectory(path) ? path.toAbsolutePath().normalize() : null;
    }

    private static String clone(String uri, String branch, Path into) {
        // Shallow, one branch, and no network operation may stall for more than CLONE_TIMEOUT_SECONDS.
        var command = Git.cloneRepository().setURI(uri).setDirectory(into.toFile()).setDepth(1).setCloneAllBranches(false)
                .setTimeout(CLONE_TIMEOUT_SECONDS);
        if (branch != null && !branch.isBlank()) {
            command.setBranch(branch);
        }
        try (Git git = command.call()) {
            ObjectId head = git.getRepository().resolve("HEAD");
            if (head == null) {
                throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "the repository has no commit"
                        + (branch == null ? "" : " on branch '" + branch + "'"), "branch");
            }
            return head.getName();
        } catch (GitAPIException e) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "cannot clone the rules repository: " + e.getMessage(),
                    "repository", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code sha256:} and 16 hex digits over every regular file's relative path and bytes, in path order. */
    static String digest(Path directory) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).filter(file -> !directory.relativize(file).startsWith(".git")).sorted().toList();
        }
        for (Path file : files) {
            sha.update(directory.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Files.readAllBytes(file));
            sha.update((byte) 0);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void deleteQuietly(Path directory) {
        try {
            FileTrees.delete(directory);
        } catch (IOException e) {
            // Left for the next cleanup of the work folder.
            log.debug("cannot remove {}: {}", directory, e.toString());
        }
    }
}
