package io.carrara.cli;

import io.carrara.api.rules.RuleActionInfo;
import io.carrara.api.rules.RuleEvaluationInfo;
import io.carrara.api.rules.RuleInfo;
import io.carrara.api.rules.RuleSyncInfo;
import io.carrara.client.CarraraClient;
import io.carrara.client.RulesClient;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara rules sync|list|show|evaluations|evaluate}, for server admins. */
@Command(name = "rules", description = {"Sync, list and inspect the rules that act on registry events (server admins"
        + " only).", "Rules live in a Git repository, one YAML file each; a sync runs every rule's tests and activates"
        + " only the versions whose tests pass."},
        subcommands = {RulesCommand.Sync.class, RulesCommand.Listing.class, RulesCommand.Show.class,
            RulesCommand.Evaluations.class, RulesCommand.Evaluate.class, RulesCommand.Followers.class,
            RulesCommand.Unfollow.class})
final class RulesCommand extends GroupCommand {

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

    @Command(name = "followers", description = "List the deployments that follow selection rules (carrara deploy NAME --rule RULE).")
    static final class Followers extends ClientCommand {
        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("deployment", "rule", "followed_at", "followed_by");
            for (io.carrara.api.rules.RuleFollower follower : client.rules().followers()) {
                table.row(follower.deployment(), follower.rule(), follower.followedAt(), follower.followedBy());
            }
            table.print(out());
        }
    }

    @Command(name = "unfollow", description = "Stop a deployment following its selection rule; it keeps serving what it serves.")
    static final class Unfollow extends ClientCommand {
        @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
        String deployment;

        @Override
        void execute(CarraraClient client) {
            out().println("deployment " + deployment + " no longer follows rule " + client.rules().unfollow(deployment).rule());
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
