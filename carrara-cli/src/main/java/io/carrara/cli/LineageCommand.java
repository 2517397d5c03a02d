package io.carrara.cli;

import io.carrara.client.CarraraClient;
import io.carrara.client.Instance;
import io.carrara.client.Lineage;
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
        Lineage lineage = client.lineage(model);
        out().println("model " + lineage.model());
        out().println("upstream:");
        printTree(lineage.upstream(), Lineage.Node::upstream, 1);
        out().println("downstream:");
        printTree(lineage.downstream(), Lineage.Node::downstream, 1);
        out().println("instances, newest first:");
        TextTable table = TextTable.withHeader(
                "id", "version", "created_at", "reason", "previous", "dependencies", "deprecated");
        for (Instance instance : lineage.instances()) {
            table.row(instance.id(), instance.version(), instance.createdAt(), instance.reason(),
                    instance.previousInstance(), Display.keyValues(instance.dependencies()), Display.deprecated(instance));
        }
        table.print(out());
    }

    private void printTree(List<Lineage.Node> nodes, Function<Lineage.Node, List<Lineage.Node>> children, int depth) {
        if (nodes.isEmpty() && depth == 1) {
            out().println(INDENT + "(none)");
        }
        for (Lineage.Node node : nodes) {
            out().println(INDENT.repeat(depth) + node.model());
            printTree(children.apply(node), children, depth + 1);
        }
    }
}
