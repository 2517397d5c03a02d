package io.carrara.client;

import io.carrara.api.Page;
import io.carrara.api.registry.NewProject;
import io.carrara.api.registry.Project;
import io.carrara.spi.model.Names;
import java.util.List;

/**
 * The projects of the registry: namespaces of models. Reached through {@link CarraraClient#projects()}.
 */
public final class ProjectsClient {
    private final Transport transport;

    ProjectsClient(Transport transport) {
        this.transport = transport;
    }

    // ---- projects

    public Project create(String name, String description) {
        Names.checkName(name, "project");
        return transport.call(transport.request("/api/v1/projects").header("Content-Type", "application/json")
                .POST(transport.jsonBody(new NewProject(name, description))), transport.type(Project.class));
    }

    public Project get(String name) {
        return transport.call(transport.request(Transport.projectPath(name)).GET(), transport.type(Project.class));
    }

    public Page<Project> list(int limit, int offset) {
        return transport.call(transport.request(Transport.withPage("/api/v1/projects", limit, offset)).GET(), transport.pageOf(Project.class));
    }

    /** Every project, following pages. */
    public List<Project> list() {
        return Transport.all(this::list);
    }
}
