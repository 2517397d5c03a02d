package io.carrara.cli;

import io.carrara.api.access.AuditRecord;
import io.carrara.client.CarraraClient;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code carrara audit}: the audit trail of changes made and calls refused, oldest first. */
@Command(name = "audit", description = {"Show the audit trail, oldest first: changes made and calls refused (server admins"
        + " only).", "With --user USER: only what that user did or tried."})
final class AuditCommand extends ClientCommand {
    static final int MAX_LIMIT = 100_000;

    @Option(names = "--project", paramLabel = "PROJECT", description = "Only what was about this project.")
    String project;

    @Option(names = "--since", paramLabel = "TIME", converter = SinceConverter.class,
            description = "Only records from this time on: a duration ago (90m, 1h, 2d) or an ISO instant or date"
                    + " (2026-12-01T08:00:00Z, 2026-12-01).")
    Instant since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "At most N records, 1 to " + MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    void execute(CarraraClient client) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        // --user is the global option: given explicitly here it filters the trail by user.
        String user = explicitUser().orElse(null);
        TextTable table = TextTable.withHeader("time", "user", "action", "object", "address", "status", "outcome", "reason");
        for (AuditRecord record : client.access().auditTrail(user, project, since, 0, limit)) {
            table.row(record.time(), record.user(), record.action(), record.object(), record.address(), record.status(),
                    record.outcome(), record.reason());
        }
        table.print(out());
    }

    /** {@code 90m}, {@code 1h}, {@code 2d} before now, or an ISO instant, or an ISO date (midnight UTC). */
    static final class SinceConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            Duration ago = TokenCommand.ExpiryConverter.parse(value);
            if (ago != null) {
                return Instant.now().minus(ago);
            }
            try {
                return Instant.parse(value.trim());
            } catch (DateTimeParseException e) {
                // Not an instant; maybe a date.
            }
            try {
                return LocalDate.parse(value.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a time like 1h, 2d, 2026-12-01 or 2026-12-01T08:00:00Z");
            }
        }
    }
}
