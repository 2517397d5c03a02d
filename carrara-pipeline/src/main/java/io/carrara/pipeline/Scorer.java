package io.carrara.pipeline;

import io.carrara.spi.schema.Schema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores rows with a Spark ML pipeline saved by {@code PipelineModel.save()} (or a single saved
 * model), without Spark, giving the same columns and values as Spark's {@code transform}.
 *
 * <pre>{@code
 * Scorer scorer = Scorer.load(Path.of("models/trips"), Schema.of(      // once: reads and compiles,
 *         new Field("city", DataType.STRING),                           // throws ModelException
 *         new Field("distance", DataType.DOUBLE)));                     // naming the stage at fault
 * Optional<Map<String, Object>> scored = scorer.score(Map.of("city", "nyc", "distance", 3.2));
 * double prediction = (Double) scored.orElseThrow().get("prediction"); // per row, any thread
 * }</pre>
 *
 * <ul>
 *   <li>{@link #score} returns the input row plus every column the pipeline adds, under Spark's
 *       names: numbers as {@link Double}, vectors as {@link io.carrara.pipeline.linalg.Vector}.
 *       It is empty when a stage with {@code handleInvalid=skip} drops the row, as Spark would.</li>
 *   <li>A row Spark would fail on throws {@link io.carrara.pipeline.error.RowException}, which
 *       names the column and the fix; the scorer stays usable.</li>
 *   <li>{@link #scoreAll} never throws for a bad row: each {@link RowResult} says scored, skipped
 *       or failed.</li>
 *   <li>For the lowest latency, use {@link CompiledPipeline} directly: resolve slots once and
 *       score a reused {@link io.carrara.pipeline.stage.Frame} with no maps and no boxing.</li>
 * </ul>
 */
public interface Scorer {
    static Scorer load(Path directory, Schema inputSchema) {
        return SparkPipeline.load(directory).compile(inputSchema);
    }

    Schema inputSchema();

    /** The input fields followed by every column the pipeline adds, in Spark's order, less any a stage drops. */
    Schema outputSchema();

    Optional<Map<String, Object>> score(Map<String, Object> row);

    List<RowResult> scoreAll(List<Map<String, Object>> rows);
}
