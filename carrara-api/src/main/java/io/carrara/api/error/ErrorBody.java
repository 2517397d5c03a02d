package io.carrara.api.error;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error answer: the code's name, its number and type (see the table in
 * {@code docs/api.md}), a message saying what to do, and the request field or the row's column at
 * fault when there is one, e.g. {@code {"code": "NOT_FOUND", "number": 1, "type": "NOT_FOUND",
 * "message": "model demand/eta does not exist", "field": "model"}}. {@code number} and {@code type}
 * may be absent from an older server's answer.
 */
public record ErrorBody(String code, Integer number, String type, String message, String field,
        @JsonInclude(JsonInclude.Include.NON_NULL) String column) {
    public ErrorBody {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
    }
}
