package io.carrara.cli;

import io.carrara.api.registry.Instance;
import io.carrara.api.registry.Lineage;
import io.carrara.client.CarraraClient;
import io.carrara.spi.model.ModelRef;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code carrara lineage PROJECT/NAME}: dependency trees both ways, then the instance history. */
@Command(name = "lineage",
        description = "Show what a model depends on, what depends on it, and its instance history.")
final class LineageCommand extends ClientCommand {
    private static final String INDENT = "  ";

    @Parameters(paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class, description = "The model.")
    ModelRef model;

    @Override
    void execute(CarraraClient client) {
        Lineage lineage = client.models().lineage(model);
        out().println("model " + lineage.model());
        out().println("upstream:");
        printTree(lineage.upstream(), Lineage.UpstreamNode::model, Lineage.UpstreamNode::upstream, 1);
        out().println("downstream:");
        printTree(lineage.downstream(), Lineage.DownstreamNode::model, Lineage.DownstreamNode::downstream, 1);
        out().println("instances, newest first:");
        TextTable table = TextTable.withHeader(
                "id", "version", "created_at", "reason", "previous", "dependencies", "deprecated");
        for (Instance instance : lineage.instances()) {
            table.row(instance.id(), instance.version(), instance.createdAt(), instance.reason(),
                    instance.previousInstance(), Display.keyValues(instance.dependencies()), Display.deprecated(instance));
        }
        table.print(out());
    }

    private <N> void printTree(List<N> nodes, Function<N, String> model, Function<N, List<N>> children, int depth) {
        if (nodes.isEmpty() && depth == 1) {
            out().println(INDENT + "(none)");
        }
        for (N node : nodes) {
            out().println(INDENT.repeat(depth) + model.apply(node));
            printTree(children.apply(node), model, children, depth + 1);
        }
    }
}
