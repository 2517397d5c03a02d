package io.carrara.rules.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.rules.Rule;
import io.carrara.rules.RuleProblem;
import io.carrara.rules.RulesErrorCode;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesRepositoryTest {
    private final RulesRepository repository = RulesRepository.withDefaults();

    @Test
    void loadsEveryRuleFileOfADirectory() {
        RuleSet rules = repository.load(Path.of("src/test/resources/rules/good"));
        assertThat(rules.problems()).isEmpty();
        assertThat(rules.rules()).extracting(Rule::name).containsExactly("deprecate-on-bad-production-mae", "eta-champion",
                "eta-promote-better-instance", "flag-unreviewed");
        assertThat(rules.rule("eta-champion")).isPresent();
    }

    @Test
    void aBrokenRuleDoesNotHideTheOthers() {
        RuleSet rules = repository.load(Path.of("src/test/resources/rules/mixed"));
        assertThat(rules.rules()).extracting(Rule::name).containsExactly("eta-champion", "undeploy-surge-on-deprecation");
        assertThat(rules.problems()).extracting(RuleProblem::toString).hasSize(2);
        RuleProblem broken = rules.problems().get(0);
        assertThat(broken.position().file()).isEqualTo("broken-loop.yaml");
        assertThat(broken.position().line()).isEqualTo(3);
        assertThat(broken.code()).isEqualTo(RulesErrorCode.RULE_EXPRESSION_REFUSED.toErrorCode());
        RuleProblem duplicate = rules.problems().get(1);
        assertThat(duplicate.code()).isEqualTo(RulesErrorCode.RULE_NAME_DUPLICATE.toErrorCode());
        assertThat(duplicate.position().file()).isEqualTo("eta-champion.yaml");
        assertThat(duplicate.message()).contains("already used by duplicate-name.yaml");
    }

    @Test
    void skipsHiddenDirectoriesAndOtherFilesAndReadsSubdirectories(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/config.yaml"), "not: a rule");
        Files.createDirectories(dir.resolve("maps"));
        Files.writeString(dir.resolve("maps/a.yml"), "name: a\nselect: model = 'eta'\n");
        Files.writeString(dir.resolve("README.md"), "# rules");
        RuleSet rules = repository.load(dir);
        assertThat(rules.problems()).isEmpty();
        assertThat(rules.rules()).singleElement().satisfies(rule -> assertThat(rule.position().file()).isEqualTo("maps/a.yml"));
    }

    @Test
    void refusesLinksLeavingTheDirectoryAndOversizedFiles(@TempDir Path dir) throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Path outside = Files.writeString(dir.resolve("outside.yaml"), "name: outside\nselect: model = 'eta'\n");
        Files.createSymbolicLink(rules.resolve("link.yaml"), outside);
        Files.writeString(rules.resolve("inside.yaml"), "name: inside\nselect: model = 'eta'\n");
        Files.createSymbolicLink(rules.resolve("alias.yaml"), rules.resolve("inside.yaml"));
        Files.writeString(rules.resolve("big.yaml"), "name: big\nselect: model = 'eta'\n# " + "x".repeat(70_000) + "\n");
        RuleSet set = repository.load(rules);
        assertThat(set.rules()).extracting(Rule::name).containsExactly("inside");
        assertThat(set.problems()).extracting(p -> p.position().file() + ": " + p.message()).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).startsWith("link.yaml: ").contains("leads out of the rules directory"),
                p -> assertThat(p).startsWith("inside.yaml: ").contains("already used by alias.yaml"),
                p -> assertThat(p).startsWith("big.yaml: ").contains("at most 65536"));
    }

    @Test
    void aMissingDirectoryIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> repository.load(dir.resolve("missing"))).isInstanceOfSatisfying(CarraraException.class,
                e -> assertThat(e.errorCode()).isEqualTo(RulesErrorCode.RULES_DIRECTORY_INVALID.toErrorCode()));
    }
}
