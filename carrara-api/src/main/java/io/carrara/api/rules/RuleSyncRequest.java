package io.carrara.api.rules;

/**
 * {@code POST /api/v1/rules/sync}: the repository to read, a Git URL or a directory on the server's machine, and its
 * branch; both absent means the server's own setting ({@code rules.repository}, {@code rules.branch}).
 */
public record RuleSyncRequest(String repository, String branch) {}
