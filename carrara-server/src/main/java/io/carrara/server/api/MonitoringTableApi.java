package io.carrara.server.api;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import io.carrara.registry.monitoring.MonitoringStore;
import io.carrara.server.monitoring.SparkMonitoring;
import io.carrara.spi.error.CarraraException;

/**
 * Monitoring on Spark under {@code /api/v1/deployments/{name}/monitoring}: the prediction log exported to a table, and
 * windows computed from such a table; each request runs its Spark job to the end (see docs/monitoring.md).
 */
@ProducesJson
public final class MonitoringTableApi {
    private final MonitoringStore monitoring;
    private final SparkMonitoring spark;

    public MonitoringTableApi(MonitoringStore monitoring, SparkMonitoring spark) {
        this.monitoring = requireNonNull(monitoring, "monitoring is null");
        this.spark = requireNonNull(spark, "spark is null");
    }

    /**
     * Writes the deployment's prediction log of the given dates, with the outcomes joined so far, into a table of the
     * catalog, replacing those dates' partitions (body: {@code {"table", "from", "to"?}}).
     */
    @Post("/deployments/{name}/monitoring/export")
    public io.carrara.api.monitoring.PredictionLogExport export(@Param("name") String name, AggregatedHttpRequest request) {
        io.carrara.api.monitoring.MonitoringTableRequest body = JsonBodies.read(request, io.carrara.api.monitoring.MonitoringTableRequest.class);
        io.carrara.spark.table.TableName table = io.carrara.spark.table.TableName.parse(body.table(), "table");
        java.time.LocalDate from = ApiParameters.date(body.from(), "from");
        java.time.LocalDate to = body.to() == null ? from : ApiParameters.date(body.to(), "to");
        SparkMonitoring.checkDates(from, to);
        monitoring.requireDeployment(name);
        SparkMonitoring.Exported exported = spark.export(name, table, from, to);
        java.util.Map<String, Long> rows = new java.util.LinkedHashMap<>();
        exported.rowsByDate().forEach((date, count) -> rows.put(date.toString(), count));
        return new io.carrara.api.monitoring.PredictionLogExport(name, exported.table(), rows);
    }

    /**
     * Computes the deployment's windows of the given dates on Spark from a prediction log table (as export writes it) and
     * records them as the monitor does (body: {@code {"table", "from", "to"?}}).
     */
    @Post("/deployments/{name}/monitoring/compute")
    public io.carrara.api.monitoring.MonitoringComputation compute(@Param("name") String name, AggregatedHttpRequest request) {
        io.carrara.api.monitoring.MonitoringTableRequest body = JsonBodies.read(request, io.carrara.api.monitoring.MonitoringTableRequest.class);
        io.carrara.spark.table.TableName table = io.carrara.spark.table.TableName.parse(body.table(), "table");
        java.time.LocalDate from = ApiParameters.date(body.from(), "from");
        java.time.LocalDate to = body.to() == null ? from : ApiParameters.date(body.to(), "to");
        SparkMonitoring.checkDates(from, to);
        SparkMonitoring.Computed computed = spark.compute(monitoring.settings(name).orElseThrow(() -> new CarraraException(
                io.carrara.spi.error.StandardErrorCode.NOT_FOUND, "deployment " + name + " is not monitored yet: carrara monitor"
                + " configure " + name + " --task classification|regression", "name")), table, from, to);
        return new io.carrara.api.monitoring.MonitoringComputation(name, table.toString(), from.toString(), to.toString(),
                computed.windows(), computed.rows());
    }

}
