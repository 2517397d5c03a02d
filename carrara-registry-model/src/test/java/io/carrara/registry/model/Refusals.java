package io.carrara.registry.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that building a value is refused with a code, a field and a message that says why. */
final class Refusals {
    private Refusals() {}

    static void assertRefused(ThrowingCallable build, String code, String field, String message) {
        assertThatThrownBy(build)
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining(message)
                .satisfies(e -> {
                    CarraraException error = (CarraraException) e;
                    org.assertj.core.api.Assertions.assertThat(error.errorCode().name()).isEqualTo(code);
                    org.assertj.core.api.Assertions.assertThat(error.field()).contains(field);
                });
    }
}
