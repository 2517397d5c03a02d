package io.carrara.registry.model;

import io.carrara.spi.model.Names;

/**
 * A request to create a project: a valid name and an optional description of at most
 * {@value FieldChecks#MAX_TEXT} characters; an invalid one is refused here, naming the field.
 */
public record NewProject(String name, String description) {
    public NewProject {
        Names.checkName(name, "name");
        FieldChecks.checkText(description, "description");
    }
}
