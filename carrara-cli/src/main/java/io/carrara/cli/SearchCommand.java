package io.carrara.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.Page;
import io.carrara.api.registry.Instance;
import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraJson;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara search FILTER}. */
@Command(name = "search",
        description = {
            "Find instances that match a filter.",
            "The filter language is the API's, e.g.",
            "  carrara search \"model = 'eta' AND metric.validation.mae < 5 AND NOT deprecated\""
        })
final class SearchCommand extends ClientCommand {
    @Parameters(paramLabel = "FILTER", description = "The filter; quote it for the shell.")
    String filter;

    @Option(names = "--limit", paramLabel = "N", description = "At most N instances (default: the filter's LIMIT, else 100).")
    Integer limit;

    @Option(names = "--offset", paramLabel = "N", description = "Skip the first N instances.")
    Integer offset;

    @Option(names = "--json", description = "Print one JSON object per instance and line.")
    boolean json;

    @Override
    void execute(CarraraClient client) throws Exception {
        Page<Instance> page = client.instances().search(filter, limit, offset);
        if (json) {
            ObjectMapper mapper = CarraraJson.newObjectMapper();
            for (Instance instance : page.items()) {
                out().println(mapper.writeValueAsString(instance));
            }
        } else {
            printTable(page.items());
        }
        if (page.hasMore()) {
            err().println("more instances match; see them with --offset " + page.nextOffset());
        }
    }

    private void printTable(List<Instance> instances) {
        TreeSet<String> metadataKeys = new TreeSet<>();
        instances.forEach(instance -> metadataKeys.addAll(instance.metadata().keySet()));
        List<String> header = new ArrayList<>(List.of("id", "model", "version", "created_at", "format", "deprecated"));
        metadataKeys.forEach(key -> header.add("meta." + key));
        TextTable table = TextTable.withHeader(header);
        for (Instance instance : instances) {
            List<Object> row = new ArrayList<>(List.of(instance.id(), instance.model(), instance.version(),
                    instance.createdAt(), instance.artifact().format(), instance.deprecated() ? "yes" : "no"));
            metadataKeys.forEach(key -> row.add(instance.metadata().get(key)));
            table.row(row);
        }
        table.print(out());
    }
}
