package io.carrara.api.rules;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One sync of the rules repository: its {@code source} (a Git URL or a directory) and {@code branch}, the
 * {@code commit} it read, its {@code outcome} ({@code succeeded}: every rule loaded and its tests ran; {@code failed}:
 * the repository could not be read, {@code message} says why), the rules it made {@code activated}, those it
 * {@code kept} at their previous version because the new one failed its tests or did not parse, and the
 * {@code problems} it found (a file that does not parse, a failing test: file, position and reason).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleSyncInfo(long id, String source, String branch, String commit, Instant startedAt, Instant finishedAt,
        String outcome, String message, String syncedBy, List<String> activated, List<String> kept, List<String> problems) {
    public RuleSyncInfo {
        requireNonNull(source, "source is null");
        requireNonNull(outcome, "outcome is null");
        activated = activated == null ? null : List.copyOf(activated);
        kept = kept == null ? null : List.copyOf(kept);
        problems = problems == null ? null : List.copyOf(problems);
    }
}
