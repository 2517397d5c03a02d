package io.carrara.rules.evaluation;

import static java.util.Objects.requireNonNull;

/** The name of a server secret an action uses ({@code env.NAME} in the rule); the server resolves it when it acts. */
public record SecretReference(String name) {
    public SecretReference {
        requireNonNull(name, "name is null");
    }

    @Override
    public String toString() {
        return "env." + name;
    }
}
