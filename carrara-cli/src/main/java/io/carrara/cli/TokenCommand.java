package io.carrara.cli;

import io.carrara.api.access.CreatedToken;
import io.carrara.api.access.NewToken;
import io.carrara.api.access.Role;
import io.carrara.api.access.Token;
import io.carrara.client.CarraraClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara token create|list|revoke}: API tokens, sent as {@code Authorization: Bearer TOKEN}. */
@Command(name = "token", description = "Create, list and revoke API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.Listing.class, TokenCommand.Revoke.class})
final class TokenCommand extends GroupCommand {
    static final Duration MIN_EXPIRY = Duration.ofMinutes(1);
    static final Duration MAX_EXPIRY = Duration.ofDays(365);

    @Command(name = "create", description = {
        "Create a token for yourself, or (admins) for another user. Its secret is printed this once: the server keeps"
                + " only its hash."})
    static final class Create extends ClientCommand {
        @Option(names = "--name", paramLabel = "NAME", description = "What the token is for, e.g. ci or laptop.")
        String name;

        @Option(names = "--expires", paramLabel = "DURATION", converter = ExpiryConverter.class,
                description = "Lifetime: 30d, 12h, 90m or 3600s, from 1 minute to 365 days (default: the server's, 30 days).")
        Duration expires;

        @Option(names = "--project", paramLabel = "PROJECT", description = "Scope the token to this project (with --role).")
        String project;

        @Option(names = "--role", paramLabel = "ROLE", converter = RoleConverter.class,
                description = "The most the token may do in --project: read, use, edit or manage (and never more than its"
                        + " user may).")
        Role role;

        @Option(names = "--for-user", paramLabel = "USER", description = "Make the token for this user (admins only).")
        String forUser;

        @Override
        void execute(CarraraClient client) {
            if ((project == null) != (role == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), (project == null ? "--role" : "--project")
                        + " needs " + (project == null ? "--project" : "--role")
                        + ": give both to scope the token to one project, or neither");
            }
            CreatedToken created = client.access().createToken(
                    new NewToken(name, expires == null ? null : expires.toSeconds(), project, role, forUser));
            Token token = created.token();
            out().println("token: " + created.secret());
            out().println("id: " + token.id() + "  user: " + token.user() + "  scope: " + scope(token)
                    + "  expires: " + token.expiresAt());
            out().println("This token is shown only this once; keep it somewhere safe now. Use it with"
                    + " 'export CARRARA_TOKEN=<token>', or save it for this server with 'carrara login'.");
        }
    }

    @Command(name = "list", description = {"List your tokens, or (admins) another user's or everyone's; secrets are"
            + " never shown.", "With --user USER (admins only): that user's tokens."})
    static final class Listing extends ClientCommand {
        @Option(names = "--all", description = "Every user's tokens (admins only).")
        boolean all;

        @Override
        void execute(CarraraClient client) {
            // --user is the global option: given explicitly here it names whose tokens to list.
            String user = explicitUser().orElse(null);
            if (all && user != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --user USER or --all, not both");
            }
            Instant now = Instant.now();
            TextTable table = TextTable.withHeader("id", "name", "user", "scope", "created_at", "expires_at", "last_used_at",
                    "state");
            for (Token token : client.access().tokens(all ? "*" : user)) {
                table.row(token.id(), token.name(), token.user(), scope(token), token.createdAt(), token.expiresAt(),
                        token.lastUsedAt(), state(token, now));
            }
            table.print(out());
        }
    }

    @Command(name = "revoke", description = "Revoke a token: the server refuses it from now on (within a few seconds).")
    static final class Revoke extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The token's id, as 'carrara token list' shows it.")
        UUID id;

        @Override
        void execute(CarraraClient client) {
            Token token = client.access().revokeToken(id);
            out().println("revoked token " + token.id() + (token.name() == null ? "" : " (" + token.name() + ")")
                    + " of " + token.user());
        }
    }

    /** {@code all} (every project its user may reach), or {@code PROJECT:ROLE} for a token scoped to one project. */
    static String scope(Token token) {
        if (token.project() == null) {
            return "all";
        }
        return token.project() + ":" + (token.role() == null ? "?" : token.role().wireName());
    }

    static String state(Token token, Instant now) {
        if (token.revokedAt() != null) {
            return "revoked";
        }
        return token.expiresAt().isAfter(now) ? "active" : "expired";
    }

    /** {@code read}, {@code READ} or {@code Read}: a usage error lists the roles. */
    static final class RoleConverter implements CommandLine.ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            try {
                return Role.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a role: use one of "
                        + Arrays.stream(Role.values()).map(Role::wireName).collect(Collectors.joining(", ")));
            }
        }
    }

    /** {@code 30d}, {@code 12h}, {@code 90m} or {@code 3600s}, from {@link #MIN_EXPIRY} to {@link #MAX_EXPIRY}. */
    static final class ExpiryConverter implements CommandLine.ITypeConverter<Duration> {

        @Override
        public Duration convert(String value) {
            Duration duration = parse(value);
            if (duration == null) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration like 30d, 12h, 90m or 3600s");
            }
            if (duration.compareTo(MIN_EXPIRY) < 0 || duration.compareTo(MAX_EXPIRY) > 0) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is out of range: a token lives from 1m to 365d");
            }
            return duration;
        }

        /** The duration, or null when {@code value} is not one; shared with {@code audit --since}. */
        static Duration parse(String value) {
            return io.carrara.spi.time.ShortDurations.parse(value).orElse(null);
        }
    }
}
