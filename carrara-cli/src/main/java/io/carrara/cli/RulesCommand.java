package io.carrara.cli;

import io.carrara.api.rules.RuleActionInfo;
import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.api.rules.RuleInfo;
import io.carrara.api.rules.RuleSyncInfo;
import io.carrara.client.CarraraClient;
import io.carrara.client.RulesClient;
import io.carrara.rules.evaluation.RuleEvaluator;
import io.carrara.rules.expression.ExpressionSandbox;
import io.carrara.rules.expression.SandboxLimits;
import io.carrara.rules.parse.RuleParser;
import io.carrara.rules.parse.RuleSet;
import io.carrara.rules.parse.RulesRepository;
import io.carrara.rules.testing.RuleTestReport;
import io.carrara.rules.testing.RuleTestRunner;
import io.carrara.spi.error.CarraraException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code carrara rules sync|list|show|evaluations|evaluate|followers|unfollow}, for server admins, and {@code rules test DIR}, for anyone. */
@Command(name = "rules", description = {"Test rules locally; sync, list and inspect the rules that act on registry events"
        + " (server admins only).", "Rules live in a Git repository, one YAML file each; a sync runs every rule's tests"
        + " and activates only the versions whose tests pass."},
        subcommands = {RulesCommand.RunTests.class, RulesCommand.Sync.class, RulesCommand.Listing.class, RulesCommand.Show.class,
            RulesCommand.Evaluations.class, RulesCommand.Evaluate.class, RulesCommand.Followers.class,
            RulesCommand.Unfollow.class})
final class RulesCommand extends GroupCommand {

    /**
     * {@code carrara rules test DIR}: the tests a sync would run, in this process, with no server or token, so that a
     * rules repository's CI can run them. It loads and tests with the same classes as the server's sync, and like the
     * sync takes every secret a webhook names ({@code env.NAME}) to exist.
     */
    @Command(name = "test", mixinStandardHelpOptions = true, versionProvider = CarraraCli.Version.class,
            description = {"Run the tests of every rule file (*.yaml, *.yml) under DIR, here, without a server or a token,"
                    + " as a sync would before activating them.",
                "Prints PASS or FAIL per rule, each failing test with its position and reason, each file that does not"
                        + " load with its position, and a summary. Exit code 0 when every file loads and every test passes,"
                        + " 1 otherwise, 2 when DIR is not a directory. Secrets a webhook names (env.NAME) are taken to exist."},
            footerHeading = "%nExample (in a rules repository's CI):%n",
            footer = "  carrara rules test .")
    static final class RunTests implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "The rules directory, such as a checkout of the rules repository.")
        Path directory;

        @Override
        public Integer call() {
            if (!Files.exists(directory)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "DIR " + directory + " does not exist; give"
                        + " the directory that holds the rule files (*.yaml, *.yml), e.g. 'carrara rules test .' in a"
                        + " checkout of the rules repository");
            }
            if (!Files.isDirectory(directory)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "DIR " + directory + " is a file, not a"
                        + " directory; give the directory that holds the rule files (*.yaml, *.yml)");
            }
            // As the server's sync (Rules.start): one sandbox for parsing and evaluating, with the default limits.
            ExpressionSandbox sandbox = new ExpressionSandbox(SandboxLimits.DEFAULTS);
            try {
                RuleSet rules = new RulesRepository(new RuleParser(sandbox)).load(directory);
                RuleTestReport report = new RuleTestRunner(new RuleEvaluator(sandbox)).run(rules);
                spec.commandLine().getOut().print(report.render());
                return report.passed() ? ClientCommand.OK : ClientCommand.FAILED;
            } catch (CarraraException e) {
                // Only a directory that cannot be read as a whole (unreadable, too many files) gets here.
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return ClientCommand.FAILED;
            } finally {
                spec.commandLine().getOut().flush();
                spec.commandLine().getErr().flush();
            }
        }
    }

    @Command(name = "sync", description = {"Read the rules repository, run every rule's tests and activate the versions"
            + " that pass; a rule whose new version fails keeps its previous one.",
        "Without REPO: the server's rules.repository setting (which may also be a directory on the server's machine)."})
    static final class Sync extends ClientCommand {
        @Parameters(paramLabel = "REPO", arity = "0..1", description = "An https Git URL the server can reach.")
        String repository;

        @Option(names = "--branch", paramLabel = "BRANCH", description = "The branch (default: the repository's default).")
        String branch;

        @Override
        void execute(CarraraClient client) {
            RuleSyncInfo sync = client.rules().sync(repository, branch);
            out().println("synced " + sync.source() + (sync.branch() == null ? "" : " (" + sync.branch() + ")") + " at "
                    + sync.commit() + ": " + sync.message());
            if (sync.activated() != null && !sync.activated().isEmpty()) {
                out().println("active: " + String.join(", ", sync.activated()));
            }
            if (sync.kept() != null && !sync.kept().isEmpty()) {
                out().println("kept at their previous version: " + String.join(", ", sync.kept()));
            }
            if (sync.problems() != null) {
                sync.problems().forEach(problem -> err().println("problem: " + problem));
            }
        }
    }

    @Command(name = "list", description = "List the rules: the active version of each, or the latest when none passed its tests.")
    static final class Listing extends ClientCommand {
        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("name", "kind", "active", "commit", "tests", "path", "loaded_at");
            for (RuleInfo rule : client.rules().list()) {
                table.row(rule.name(), rule.kind(), UserCommand.yesNo(rule.active()), shortCommit(rule.commit()),
                        rule.testsPassed() + " passed" + (rule.testsFailed() > 0 ? ", " + rule.testsFailed() + " failed" : ""),
                        rule.path(), rule.loadedAt());
            }
            table.print(out());
        }
    }

    @Command(name = "show", description = "Show a rule: its active (or latest) version, its tests' report and its YAML.")
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The rule.")
        String name;

        @Override
        void execute(CarraraClient client) {
            RuleInfo rule = client.rules().get(name);
            TextTable.keyValue().row("name", rule.name()).row("kind", rule.kind()).row("active", UserCommand.yesNo(rule.active()))
                    .row("commit", rule.commit()).row("path", rule.path()).row("loaded_at", rule.loadedAt())
                    .row("tests", rule.testsPassed() + " passed, " + rule.testsFailed() + " failed").print(out());
            out().println();
            out().print(rule.testReport());
            out().println();
            out().print(rule.source());
        }
    }

    @Command(name = "evaluations", description = "Show evaluations that matched an event or erred, newest first.")
    static final class Evaluations extends ClientCommand {
        @Option(names = "--rule", paramLabel = "RULE", description = "Only this rule's.")
        String rule;

        @Option(names = "--instance", paramLabel = "UUID", description = "Only those about this instance.")
        UUID instance;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
                description = "At most N, 1 to " + RulesClient.MAX_PAGE + " (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        void execute(CarraraClient client) {
            if (limit < 1 || limit > RulesClient.MAX_PAGE) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 to " + RulesClient.MAX_PAGE
                        + ", got " + limit);
            }
            TextTable table = TextTable.withHeader("time", "rule", "commit", "event", "instance", "fired", "actions", "error");
            for (RuleEvaluationInfo evaluation : client.rules().evaluations(rule, instance, limit)) {
                table.row(evaluation.evaluatedAt(), evaluation.rule(), shortCommit(evaluation.commit()),
                        evaluation.dryRun() ? "dry run" : evaluation.eventId() + " " + evaluation.eventType(), evaluation.instance(),
                        UserCommand.yesNo(evaluation.fired()), actions(evaluation.actions()), evaluation.error());
            }
            table.print(out());
        }
    }

    @Command(name = "evaluate", description = {"Show what an active action rule would do for an instance, as if EVENT had"
            + " happened to it.", "Only --dry-run exists: nothing is deployed, deprecated or sent."})
    static final class Evaluate extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The rule.")
        String name;

        @Option(names = "--instance", paramLabel = "UUID", required = true, description = "The instance.")
        UUID instance;

        @Option(names = "--event", paramLabel = "TYPE", defaultValue = "instance.created",
                description = "The event type the rule sees (default: ${DEFAULT-VALUE}).")
        String event;

        @Option(names = "--dry-run", required = true, description = "Change nothing (required: rules act only on events).")
        boolean dryRun;

        @Override
        void execute(CarraraClient client) {
            RuleEvaluationInfo evaluation = client.rules().dryRun(name, instance, event);
            out().println(evaluation.rule() + " at " + shortCommit(evaluation.commit()) + ": "
                    + (evaluation.error() != null ? "error: " + evaluation.error()
                    : !evaluation.matched() ? "given is false for this event"
                    : !evaluation.fired() ? "when is false" : "would fire"));
            for (RuleActionInfo action : evaluation.actions()) {
                out().println("  would " + action.kind() + " " + action.arguments());
            }
        }
    }

    @Command(name = "followers", description = {"List the deployments that follow selection rules (carrara deploy NAME --rule RULE),",
        "one row per rule: for the whole deployment, or for one value of its partition field or every other value (default)."})
    static final class Followers extends ClientCommand {
        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("deployment", "partition", "rule", "serves", "followed_at", "followed_by");
            for (io.carrara.api.rules.RuleFollower follower : client.rules().followers()) {
                String partition = follower.partitionBy() == null ? "-"
                        : follower.partitionBy() + "=" + (follower.partition() == null ? "(default)" : follower.partition());
                table.row(follower.deployment(), partition, follower.rule(), follower.instance() == null ? "-" : follower.instance(),
                        follower.followedAt(), follower.followedBy());
            }
            table.print(out());
        }
    }

    @Command(name = "unfollow", description = "Stop a deployment following its selection rules; it keeps serving what it serves.")
    static final class Unfollow extends ClientCommand {
        @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
        String deployment;

        @Override
        void execute(CarraraClient client) {
            List<String> rules = client.rules().unfollow(deployment).stream().map(io.carrara.api.rules.RuleFollower::rule).distinct()
                    .toList();
            out().println("deployment " + deployment + " no longer follows " + (rules.size() == 1 ? "rule " : "rules ")
                    + String.join(", ", rules));
        }
    }

    static String shortCommit(String commit) {
        return commit == null || commit.length() <= 12 || commit.startsWith("sha256:") ? commit : commit.substring(0, 12);
    }

    static String actions(List<RuleActionInfo> actions) {
        return actions.isEmpty() ? "" : actions.stream().map(action -> action.kind() + ":" + action.outcome())
                .collect(Collectors.joining(", "));
    }
}
