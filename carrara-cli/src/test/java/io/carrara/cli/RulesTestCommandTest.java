package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carrara rules test DIR}: the rules' tests run in the CLI's process. The CLI is pointed at a port where
 * nothing listens, with no token, no environment and an empty home, so any call to a server would fail the command.
 */
class RulesTestCommandTest {
    private static final URI NO_SERVER = URI.create("http://127.0.0.1:1");

    static final String PROMOTE_WITH_A_WRONG_TEST = """
            name: promote-low-mae
            given: event.type == 'metric.recorded' && metric.name == 'mae'
            when: metric.value < 5.0
            then:
              - deploy: {deployment: eta, instance: "${instance.id}"}
            tests:
              - name: a low mae promotes
                instances: [{id: a, model: maps/eta}]
                event: {type: metric.recorded, instance: a, metric: {scope: validation, name: mae, value: 4.0}}
                expect: {fires: true, actions: [deploy]}
              - name: a high mae promotes too
                instances: [{id: a, model: maps/eta}]
                event: {type: metric.recorded, instance: a, metric: {scope: validation, name: mae, value: 9.0}}
                expect: {fires: true}
            """;

    static final String UNKNOWN_ACTION = """
            name: broken
            given: event.type == 'instance.created'
            then:
              - explode: {now: true}
            """;

    @TempDir
    Path userHome;

    @TempDir
    Path rules;

    @Test
    void theExampleRulesPassWithoutAServer() {
        // notify-deprecated signs its webhook with env.RULES_HOOK_SECRET, which is not set here: like a sync, the
        // tests take every secret to exist.
        CommandResult result = carrara("rules", "test", "../examples/rules");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("PASS eta-promote (4 tests)\n", "PASS surge-champion (3 tests)\n",
                "PASS deprecate-drifted (3 tests)\n", "PASS notify-deprecated (2 tests)\n")
                .doesNotContain("FAIL", "ERROR").endsWith("4 rules, 12 tests: 12 passed, 0 failed\nPASSED\n");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void aFailingTestAndAFileThatDoesNotParseFailTheRun() throws IOException {
        Files.writeString(rules.resolve("promote-low-mae.yaml"), PROMOTE_WITH_A_WRONG_TEST);
        Files.writeString(rules.resolve("broken.yml"), UNKNOWN_ACTION);

        CommandResult result = carrara("rules", "test", rules.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.out()).contains("FAIL promote-low-mae (promote-low-mae.yaml)\n"
                        + "    a high mae promotes too\n"
                        + "        promote-low-mae.yaml:14:")
                .contains(": expected fires=true, got false; when was false\n")
                .doesNotContain("a low mae promotes")
                .containsPattern("ERROR broken\\.yml:4:\\d+: RULE_[A-Z_]+: .*explode")
                .endsWith("1 rule, 2 tests: 1 passed, 1 failed; 1 file could not be loaded\nFAILED\n");
    }

    @Test
    void aDirectoryThatIsMissingOrAFileIsAUsageError() throws IOException {
        CommandResult missing = carrara("rules", "test", rules.resolve("nope").toString());
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist").contains("give the directory that holds the rule files")
                .contains("Usage: carrara rules test");

        Path file = Files.writeString(rules.resolve("promote-low-mae.yaml"), PROMOTE_WITH_A_WRONG_TEST);
        CommandResult notDirectory = carrara("rules", "test", file.toString());
        assertThat(notDirectory.exitCode()).as(notDirectory.toString()).isEqualTo(2);
        assertThat(notDirectory.err()).contains("is a file, not a directory");
        assertThat(notDirectory.out()).isEmpty();
    }

    private CommandResult carrara(String... args) {
        return InProcessCli.run(NO_SERVER, userHome, Map.of(), "", args);
    }
}
