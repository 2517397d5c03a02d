package io.carrara.client;

import static java.util.Objects.requireNonNull;

import io.carrara.api.Page;
import io.carrara.api.registry.Lineage;
import io.carrara.api.registry.Model;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.model.Names;
import java.net.http.HttpRequest;
import java.util.List;

/**
 * The models of a project, their dependencies and lineage. Reached through {@link CarraraClient#models()}.
 */
public final class ModelsClient {
    private final Transport transport;

    ModelsClient(Transport transport) {
        this.transport = transport;
    }

    // ---- models

    public Model create(ModelRef model, ModelDefinition definition) {
        requireNonNull(model, "model is null");
        requireNonNull(definition, "definition is null");
        return transport.call(transport.request(Transport.projectPath(model.project()) + "/models").header("Content-Type", "application/json")
                .POST(transport.jsonBody(definition.toRequest(model.name()))), transport.type(Model.class));
    }

    public Model get(ModelRef model) {
        return transport.call(transport.request(Transport.modelPath(model)).GET(), transport.type(Model.class));
    }

    public Page<Model> list(String project, int limit, int offset) {
        return transport.call(transport.request(Transport.withPage(Transport.projectPath(project) + "/models", limit, offset)).GET(), transport.pageOf(Model.class));
    }

    /** Every model of a project, following pages. */
    public List<Model> list(String project) {
        Names.checkName(project, "project");
        return Transport.all((limit, offset) -> list(project, limit, offset));
    }

    /** Makes {@code model} depend on {@code upstream}; the server answers {@code CONFLICT} for a cycle. */
    public Model addDependency(ModelRef model, ModelRef upstream) {
        return transport.call(transport.request(Transport.dependencyPath(model, upstream)).PUT(HttpRequest.BodyPublishers.noBody()),
                transport.type(Model.class));
    }

    public Model removeDependency(ModelRef model, ModelRef upstream) {
        return transport.call(transport.request(Transport.dependencyPath(model, upstream)).DELETE(), transport.type(Model.class));
    }

    public Lineage lineage(ModelRef model) {
        return transport.call(transport.request(Transport.modelPath(model) + "/lineage").GET(), transport.type(Lineage.class));
    }
}
