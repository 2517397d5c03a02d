package io.carrara.server.api;

import io.carrara.api.Page;
import io.carrara.api.batch.BatchJob;
import io.carrara.api.batch.BatchJobStatus;
import io.carrara.api.deploy.DeployOutcome;
import io.carrara.api.deploy.Deployment;
import io.carrara.api.deploy.DeploymentDefinition;
import io.carrara.api.deploy.DeploymentRevision;
import io.carrara.api.deploy.FeatureLookup;
import io.carrara.api.deploy.MissingFeatures;
import io.carrara.api.deploy.RevisionAction;
import io.carrara.api.deploy.Routing;
import io.carrara.api.feature.FeatureLoadReport;
import io.carrara.api.predict.LoggedPrediction;
import io.carrara.api.registry.Artifact;
import io.carrara.api.registry.Event;
import io.carrara.api.registry.Instance;
import io.carrara.api.registry.Lineage;
import io.carrara.api.registry.Metric;
import io.carrara.api.registry.Model;
import io.carrara.api.registry.NewInstance;
import io.carrara.api.registry.NewMetric;
import io.carrara.api.registry.NewModel;
import io.carrara.api.registry.NewProject;
import io.carrara.api.registry.Packaging;
import io.carrara.api.registry.Project;
import io.carrara.api.registry.Provenance;
import io.carrara.api.table.ImportResult;
import io.carrara.api.table.TableColumn;
import io.carrara.api.table.TableDescription;
import io.carrara.api.table.TableSummary;
import io.carrara.api.workflow.RunStatus;
import io.carrara.api.workflow.StepStatus;
import io.carrara.api.workflow.Trigger;
import io.carrara.api.workflow.Workflow;
import io.carrara.api.workflow.WorkflowRun;
import io.carrara.batch.BatchJobInfo;
import io.carrara.batch.workflow.WorkflowInfo;
import io.carrara.batch.workflow.WorkflowRunInfo;
import io.carrara.registry.deploy.NewDeployment;
import io.carrara.registry.json.RegistryJson;
import io.carrara.spi.model.ModelRef;
import java.util.List;
import java.util.function.Function;

/**
 * The one place where the API's wire records ({@code carrara-api}) meet the registry's and the batch
 * service's own types: endpoints read a wire record, map it here into what the registry takes, and
 * map what it answers back. A field added to the API is added to its record and mapped here.
 */
final class ApiMapping {
    private ApiMapping() {}

    static <T, R> Page<R> page(io.carrara.registry.model.Page<T> page, Function<T, R> item) {
        return new Page<>(page.items().stream().map(item).toList(), page.nextOffset());
    }

    static <T, R> Page<R> page(List<T> items, Function<T, R> item) {
        return new Page<>(items.stream().map(item).toList(), null);
    }

    // ---- projects, models, instances, metrics, events

    static io.carrara.registry.model.NewProject newProject(NewProject request) {
        return new io.carrara.registry.model.NewProject(request.name(), request.description());
    }

    static Project project(io.carrara.registry.model.Project project) {
        return new Project(project.name(), project.description(), project.createdAt(), project.createdBy());
    }

    static io.carrara.registry.model.NewModel newModel(NewModel request) {
        return new io.carrara.registry.model.NewModel(request.name(), request.description(), request.owner(), request.type(),
                request.features(), request.hyperparameters(), request.tags(), request.previousModel(), request.dependsOn());
    }

    static Model model(io.carrara.registry.model.Model model) {
        return new Model(model.project(), model.name(), model.ref().toString(), model.description(), model.owner(),
                model.type(), model.features(), model.hyperparameters(), model.tags(), name(model.previousModel()),
                names(model.nextModels()), names(model.dependsOn()), names(model.dependents()), model.createdAt(),
                model.createdBy());
    }

    /** The request as the registry takes it; the registry's records check the values and name the field. */
    static io.carrara.registry.model.NewInstance newInstance(NewInstance request) {
        NewInstance.ArtifactSpec artifact = request.artifact();
        return new io.carrara.registry.model.NewInstance(artifact == null ? null
                        : new io.carrara.registry.model.NewInstance.ArtifactSpec(artifact.sha256(), artifact.format(),
                                artifact.packaging()),
                request.metadata(), request.provenance() == null ? null : provenance(request.provenance()));
    }

    /** The instance on the wire, its provenance in format 2 (the registry reads format-1 rows into it). */
    static Instance instance(io.carrara.registry.model.Instance instance) {
        io.carrara.registry.model.Artifact artifact = instance.artifact();
        return new Instance(instance.id(), instance.model().toString(), instance.version(), instance.createdAt(),
                instance.createdBy(), instance.reason(), instance.previousInstance(),
                new Artifact(artifact.sha256(), artifact.size(), artifact.format().wireName(),
                        Packaging.fromWireName(artifact.packaging().wireName()), artifact.uri()),
                instance.metadata(), provenance(instance.provenance()), instance.dependencies(),
                instance.deprecated(), instance.deprecatedReason(), instance.deprecatedAt(), instance.deprecatedBy());
    }

    static io.carrara.registry.model.Provenance provenance(io.carrara.api.registry.NewProvenance request) {
        Provenance.Training training = request.training();
        return io.carrara.registry.model.Provenance.ofClient(request.fileName(), request.client(),
                training == null ? null : new io.carrara.registry.model.Provenance.Training(training.dataRef(),
                        training.codeRef(), training.seeds(), training.frameworks()),
                request.extra());
    }

    static Provenance provenance(io.carrara.registry.model.Provenance provenance) {
        io.carrara.registry.model.Provenance.Training training = provenance.training();
        return new Provenance(provenance.formatVersion(), provenance.uploader(), provenance.uploadedAt(),
                provenance.fileName(), provenance.client(), provenance.server(),
                training == null ? null : new Provenance.Training(training.dataRef(), training.codeRef(), training.seeds(),
                        training.frameworks()),
                provenance.propagatedFrom(), provenance.propagatedAt(), provenance.extra());
    }

    static io.carrara.registry.model.NewMetric newMetric(NewMetric request) {
        return new io.carrara.registry.model.NewMetric(request.name(), request.scope(), request.value(),
                request.data() == null ? null : RegistryJson.mapper().valueToTree(request.data()), request.metadata());
    }

    static Metric metric(io.carrara.registry.model.Metric metric) {
        return new Metric(metric.id(), metric.instance(), metric.name(), metric.scope(), metric.value(), metric.data(),
                metric.metadata(), metric.recordedAt(), metric.recordedBy());
    }

    static Event event(io.carrara.registry.model.Event event) {
        return new Event(event.id(), event.type(), event.project(), event.model(), event.instance(), event.payload(),
                event.createdAt());
    }

    static Lineage lineage(io.carrara.registry.model.Lineage lineage) {
        return new Lineage(lineage.model().toString(), lineage.upstream().stream().map(ApiMapping::upstream).toList(),
                lineage.downstream().stream().map(ApiMapping::downstream).toList(),
                lineage.instances().stream().map(ApiMapping::instance).toList());
    }

    private static Lineage.UpstreamNode upstream(io.carrara.registry.model.Lineage.UpstreamNode node) {
        return new Lineage.UpstreamNode(node.model().toString(), node.upstream().stream().map(ApiMapping::upstream).toList());
    }

    private static Lineage.DownstreamNode downstream(io.carrara.registry.model.Lineage.DownstreamNode node) {
        return new Lineage.DownstreamNode(node.model().toString(),
                node.downstream().stream().map(ApiMapping::downstream).toList());
    }

    private static String name(ModelRef model) {
        return model == null ? null : model.toString();
    }

    private static List<String> names(List<ModelRef> models) {
        return models.stream().map(ModelRef::toString).toList();
    }

    // ---- tables, batch jobs, workflows, feature loads

    static ImportResult importResult(io.carrara.spark.table.ImportResult result) {
        return new ImportResult(result.table().toString(), result.rowsImported(), result.rowsInTable(),
                result.columns().stream().map(ApiMapping::tableColumn).toList());
    }

    static TableSummary tableSummary(io.carrara.spark.table.TableSummary summary) {
        return new TableSummary(summary.name().toString(), summary.type());
    }

    static TableDescription tableDescription(io.carrara.spark.table.TableDescription description) {
        return new TableDescription(description.name().toString(), description.type(),
                description.columns().stream().map(ApiMapping::tableColumn).toList(), description.partitionColumns(),
                description.rows().isPresent() ? description.rows().getAsLong() : null);
    }

    private static TableColumn tableColumn(io.carrara.spark.table.TableColumn column) {
        return new TableColumn(column.name(), column.type(), column.nullable(), column.partition());
    }

    static BatchJob batchJob(BatchJobInfo job) {
        BatchJobInfo.Progress progress = job.progress();
        BatchJobInfo.ErrorInfo error = job.error();
        return new BatchJob(job.id(), BatchJobStatus.fromWireName(job.status().wireName()), job.model(), job.instance(),
                job.deployment(), job.query(), job.output(), job.errors(), job.executionDate(), job.columns(),
                new BatchJob.Progress(progress.phase(), progress.tasksCompleted(), progress.tasksTotal()),
                job.result() == null ? null : RegistryJson.mapper().convertValue(job.result(), BatchJob.Result.class),
                error == null ? null : new BatchJob.Error(error.code(), error.message(), error.field()), job.submittedAt(),
                job.submittedBy(), job.startedAt(), job.finishedAt(), job.workflowRun(), job.step());
    }

    static Workflow workflow(WorkflowInfo workflow) {
        return new Workflow(workflow.name(), workflow.schedule(), workflow.definition(), workflow.registeredAt(),
                workflow.registeredBy(), workflow.nextRunAt());
    }

    static WorkflowRun workflowRun(WorkflowRunInfo run) {
        return new WorkflowRun(run.id(), run.workflow(), run.executionDate(), Trigger.fromWireName(run.trigger().wireName()),
                run.instance(), RunStatus.fromWireName(run.status().wireName()),
                run.window() == null ? null : new WorkflowRun.Window(run.window().start(), run.window().end()),
                run.createdAt(), run.createdBy(), run.startedAt(), run.finishedAt(), run.error(),
                run.steps().stream().map(step -> new WorkflowRun.Step(step.name(), step.kind(), step.output(),
                        StepStatus.fromWireName(step.status().wireName()), step.attempts(), step.startedAt(),
                        step.finishedAt(), step.rowsWritten(), step.batchJob(), step.error())).toList());
    }

    static FeatureLoadReport featureLoadReport(io.carrara.serving.features.FeatureLoadReport report) {
        return new FeatureLoadReport(report.loaded(), report.failed(), report.errors().stream()
                .map(error -> new FeatureLoadReport.LineError(error.line(), error.field(), error.message())).toList(),
                report.errorsTruncated());
    }

    // ---- deployments

    /** The request as the registry takes it; the registry checks the routing and names the field at fault. */
    static NewDeployment newDeployment(DeploymentDefinition definition) {
        return new NewDeployment(definition.name(), definition.model(), definition.instance(), definition.latest(),
                definition.partitionBy(), definition.instances(), definition.fallback(),
                definition.features() == null ? null : definition.features().stream().map(ApiMapping::featureLookup).toList(),
                definition.missingFeatures(), definition.logSampleRate(), definition.outputs());
    }

    static Deployment deployment(io.carrara.registry.deploy.Deployment deployment) {
        return new Deployment(deployment.name(), deployment.model().toString(), routing(deployment.routing()),
                featureLookups(deployment.features()), missingFeatures(deployment.missingFeatures()),
                deployment.logSampleRate(), deployment.outputs(), deployment.revision(), deployment.updatedAt(),
                deployment.updatedBy(), null);
    }

    static Deployment deployment(io.carrara.registry.deploy.DeployOutcome outcome) {
        return deployment(outcome.deployment()).withOutcome(switch (outcome.kind()) {
            case CREATED -> DeployOutcome.CREATED;
            case UPDATED -> DeployOutcome.UPDATED;
            case UNCHANGED -> DeployOutcome.UNCHANGED;
        });
    }

    /** A logged prediction on the wire; its input and output are JSON objects as the log keeps them. */
    static LoggedPrediction loggedPrediction(io.carrara.registry.predictions.LoggedPrediction logged) {
        return new LoggedPrediction(logged.id(), logged.deployment(), logged.instance(), object(logged.input()),
                object(logged.output()), logged.latencyMicros(), logged.createdAt(), logged.formatVersion());
    }

    private static java.util.Map<String, Object> object(com.fasterxml.jackson.databind.JsonNode node) {
        return RegistryJson.mapper().convertValue(node, new com.fasterxml.jackson.core.type.TypeReference<>() {});
    }

    static DeploymentRevision revision(io.carrara.registry.deploy.DeploymentRevision revision) {
        return new DeploymentRevision(revision.name(), revision.revision(), action(revision.action()),
                revision.model().toString(), routing(revision.routing()), featureLookups(revision.features()),
                missingFeatures(revision.missingFeatures()), revision.logSampleRate(), revision.outputs(), revision.changed(),
                revision.changedAt(), revision.changedBy(), revision.reason());
    }

    private static Routing routing(io.carrara.registry.deploy.Routing routing) {
        if (routing instanceof io.carrara.registry.deploy.Routing.Partitioned partitioned) {
            return new Routing.Partitioned(partitioned.field(), partitioned.instances(), partitioned.fallback());
        }
        return new Routing.Pinned(((io.carrara.registry.deploy.Routing.Pinned) routing).instance());
    }

    private static RevisionAction action(io.carrara.registry.deploy.DeploymentRevision.Action action) {
        return switch (action) {
            case CREATED -> RevisionAction.CREATED;
            case UPDATED -> RevisionAction.UPDATED;
            case UNDEPLOYED -> RevisionAction.UNDEPLOYED;
            case REFUSED -> RevisionAction.REFUSED;
        };
    }

    private static MissingFeatures missingFeatures(io.carrara.registry.deploy.Deployment.MissingFeatures value) {
        return switch (value) {
            case NULL -> MissingFeatures.NULL;
            case REJECT -> MissingFeatures.REJECT;
        };
    }

    private static io.carrara.registry.deploy.FeatureLookup featureLookup(FeatureLookup lookup) {
        return new io.carrara.registry.deploy.FeatureLookup(lookup.group(), lookup.key(), lookup.features());
    }

    private static List<FeatureLookup> featureLookups(List<io.carrara.registry.deploy.FeatureLookup> lookups) {
        return lookups.stream().map(lookup -> new FeatureLookup(lookup.group(), lookup.key(), lookup.features())).toList();
    }
}
