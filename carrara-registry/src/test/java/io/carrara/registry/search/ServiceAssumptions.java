package io.carrara.registry.search;

import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests against a database server skip when the server is not there, unless the environment sets
 * {@code CARRARA_REQUIRE_SERVICES=true} (as CI does), where a missing server must fail the build.
 */
public final class ServiceAssumptions {
    private ServiceAssumptions() {}

    /** Returns normally when {@code dataSource} answers; otherwise skips or fails the calling tests. */
    public static void assumeReachable(DataSource dataSource, String description) {
        try (Connection connection = dataSource.getConnection()) {
            connection.isValid(2);
        } catch (SQLException unreachable) {
            String message = description + " is unreachable: " + unreachable.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CARRARA_REQUIRE_SERVICES"))) {
                fail(message + " (CARRARA_REQUIRE_SERVICES=true)", unreachable);
            }
            Assumptions.abort(message + "; set CARRARA_REQUIRE_SERVICES=true to fail instead");
        }
    }
}
