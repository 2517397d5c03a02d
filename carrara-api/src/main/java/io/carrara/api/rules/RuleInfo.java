package io.carrara.api.rules;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A version of a rule as a sync loaded it: {@code name}, the Git {@code commit} (or content hash for a directory)
 * and the {@code path} of its file, its {@code kind} ({@code action} or {@code selection}), whether it is the
 * {@code active} version (the one evaluated), its tests' counts and report, and its YAML {@code source} (only
 * when one rule is asked for).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleInfo(String name, String commit, String path, String kind, boolean active, int testsPassed,
        int testsFailed, String testReport, Instant loadedAt, String source) {
    public RuleInfo {
        requireNonNull(name, "name is null");
        requireNonNull(commit, "commit is null");
        requireNonNull(kind, "kind is null");
    }

    /** The same without its source text, for lists. */
    public RuleInfo withoutSource() {
        return new RuleInfo(name, commit, path, kind, active, testsPassed, testsFailed, testReport, loadedAt, null);
    }
}
