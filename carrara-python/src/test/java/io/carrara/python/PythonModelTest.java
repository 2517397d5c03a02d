package io.carrara.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real workers in one real environment (numpy, pandas and the carrara package's requirements), shared by every
 * model here: they all have the same requirements.txt.
 */
class PythonModelTest {
    @TempDir
    static Path shared;

    @TempDir
    Path temp;

    static PythonEnvironments environments;
    static Environment env;

    /** Behaves by label: "boom" raises, "slow" sleeps 3 s, "hang" sleeps 120 s; anything else doubles. */
    static final String BEHAVING_MODEL = """
            import sys, time
            import carrara
            import pandas as pd

            class Behaving(carrara.DataFrameModel):
                def __init__(self, home):
                    print("behaving model loaded", file=sys.stderr)

                def predict(self, df):
                    if (df["label"] == "boom").any():
                        raise ValueError("cannot score boom")
                    if (df["label"] == "slow").any():
                        time.sleep(3)
                    if (df["label"] == "hang").any():
                        time.sleep(120)
                    return pd.DataFrame({
                        "doubled": df["x"] * 2.0,
                        "next": df["n"] + 1,
                        "shout": df["label"].str.upper(),
                        "positive": df["x"] > 0,
                    })
            """;

    @BeforeAll
    static void buildTheEnvironment() {
        environments = new PythonEnvironments(TestEnvironments.settings(shared));
        env = environments.prepare(ModelHome.read(ModelHomes.dataframe(shared, "doubler")), line -> {});
    }

    private PythonSettings settings() {
        return TestEnvironments.settings(temp).withWorkerStartTimeout(Duration.ofSeconds(60));
    }

    private static Map<String, Object> row(Object x, Object n, Object label) {
        Map<String, Object> row = new HashMap<>();
        row.put("x", x);
        row.put("n", n);
        row.put("label", label);
        return row;
    }

    @Test
    void scoresADataframeModelWithPerRowErrors() {
        ModelHome home = ModelHome.read(ModelHomes.dataframe(temp, "doubler"));
        try (PythonModel model = PythonModel.start(home, env, settings().withWorkersPerInstance(2), "test/doubler")) {
            assertThat(model.health().state()).isEqualTo(PythonModel.State.SERVING);
            assertThat(model.health().readyWorkers()).isEqualTo(2);

            Map<String, Object> missing = new HashMap<>(row(1.0, 1L, "m"));
            missing.remove("n");
            List<RowOutcome> outcomes = model.score(List.of(row(1.5, 41L, "a"), row(2, 3, "wrong"), missing,
                    row(-0.25, 9_000_000_000L, "b"), row("1.0", 1, "c")));

            assertThat(outcomes.get(0).isSuccess()).isTrue();
            assertThat(outcomes.get(0).output()).containsExactly(Map.entry("doubled", 3.0), Map.entry("next", 42L),
                    Map.entry("shout", "A"), Map.entry("positive", true));
            assertThat(outcomes.get(0).output().get("next")).isInstanceOf(Long.class);
            assertThat(outcomes.get(1).output()).containsEntry("doubled", 4.0).containsEntry("next", 4L);
            assertThat(outcomes.get(2).error()).isEqualTo(PythonErrorCode.INVALID_ROW);
            assertThat(outcomes.get(2).column()).isEqualTo("n");
            assertThat(outcomes.get(2).message()).contains("the row has no column n");
            assertThat(outcomes.get(3).output()).containsEntry("next", 9_000_000_001L).containsEntry("positive", false);
            assertThat(outcomes.get(4).error()).isEqualTo(PythonErrorCode.INVALID_ROW);
            assertThat(outcomes.get(4).message()).contains("column x must be a number (double), not the string \"1.0\"");

            // Round-robin: the second call goes to the other worker, and both answer.
            assertThat(model.score(List.of(row(1.0, 1L, "x"))).get(0).isSuccess()).isTrue();
        }
    }

    @Test
    void scoresATensorModel() {
        Path dir = ModelHomes.write(temp.resolve("tensor"), """
                formatVersion: 1
                kind: tensor
                python: "3.11"
                inputs:
                  - {name: pixels, datatype: FP32, shape: [-1, 2, 2]}
                  - {name: scale, datatype: FP64, shape: [-1]}
                outputs:
                  - {name: total, datatype: FP64, shape: [-1]}
                  - {name: count, datatype: INT32, shape: [-1]}
                  - {name: doubled, datatype: FP32, shape: [-1, 2, 2]}
                """, """
                import numpy as np
                import carrara

                class Summer(carrara.TensorModel):
                    def __init__(self, home):
                        pass

                    def predict(self, inputs):
                        pixels = inputs["pixels"]
                        n = pixels.shape[0]
                        return {
                            "total": pixels.reshape(n, -1).sum(axis=1).astype(np.float64) * inputs["scale"],
                            "count": np.full(n, pixels[0].size, dtype=np.int32),
                            "doubled": pixels * 2,
                        }
                """, TestEnvironments.REQUIREMENTS,
                "{\"pixels\": [[1, 2], [3, 4]], \"scale\": 1.0}\n",
                "{\"total\": 10.0, \"count\": 4, \"doubled\": [[2, 4], [6, 8]]}\n");
        ModelHome home = ModelHome.read(dir);
        assertThat(environments.hash(home)).isEqualTo(env.hash());

        // A socket folder whose paths pass the 107 bytes a Unix socket path holds: the model falls back to a private one.
        Path deep = temp.resolve("a-socket-folder-whose-path-is-much-too-long-for-a-unix-domain-socket-" + "x".repeat(40));
        try (PythonModel model = PythonModel.start(home, env, settings().withSockets(deep), "test/tensor")) {
            List<RowOutcome> outcomes = model.score(List.of(
                    Map.of("pixels", List.of(List.of(1, 2), List.of(3, 4)), "scale", 0.5),
                    Map.of("pixels", new double[] {1, 1, 1, 1}, "scale", 2),
                    Map.of("pixels", List.of(1, 2, 3), "scale", 1.0)));

            assertThat(outcomes.get(0).output()).containsExactly(Map.entry("total", 5.0), Map.entry("count", 4),
                    Map.entry("doubled", List.of(2f, 4f, 6f, 8f)));
            assertThat(outcomes.get(1).output()).containsEntry("total", 8.0);
            assertThat(outcomes.get(2).error()).isEqualTo(PythonErrorCode.INVALID_ROW);
            assertThat(outcomes.get(2).message()).contains("holds 3 values").contains("needs 4 a row");
        }
    }

    @Test
    void aSyntaxErrorFailsTheLoadNamingTheLine() {
        Path dir = ModelHomes.dataframe(temp, "syntax");
        ModelHomes.file(dir, "model.py", "import carrara\n\nclass Broken(carrara.DataFrameModel)\n    pass\n");

        assertThatThrownBy(() -> PythonModel.start(ModelHome.read(dir), env, settings(), "test/syntax"))
                .isInstanceOfSatisfying(CarraraException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.MODEL_LOAD_FAILED.toErrorCode()))
                .hasMessageContaining("test/syntax#0: the model cannot load")
                .hasMessageContaining("model.py:3");
    }

    @Test
    void differingValidationFailsTheStart() {
        Path dir = ModelHomes.dataframe(temp, "differs");
        ModelHomes.file(dir, "validation/expected.jsonl", ModelHomes.DATAFRAME_EXPECTED.replace("3.0", "3.5"));

        assertThatThrownBy(() -> PythonModel.start(ModelHome.read(dir), env, settings(), "test/differs"))
                .isInstanceOfSatisfying(CarraraException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.VALIDATION_FAILED.toErrorCode()))
                .hasMessageContaining("doubled");
    }

    @Test
    void aPredictThatRaisesFailsOnlyTheRowsItRaisesFor() {
        ModelHome home = behaving("raises");
        try (PythonModel model = PythonModel.start(home, env, settings(), "test/raises")) {
            List<RowOutcome> outcomes = model.score(List.of(row(1.0, 1L, "fine"), row(1.0, 1L, "boom"), row(2.0, 2L, "fine"),
                    row(3.0, 3L, "fine")));

            assertThat(outcomes).extracting(RowOutcome::isSuccess).containsExactly(true, false, true, true);
            assertThat(outcomes.get(1).error()).isEqualTo(PythonErrorCode.PREDICT_FAILED);
            assertThat(outcomes.get(1).message()).contains("ValueError").contains("model.py:11").contains("cannot score boom");
            assertThat(outcomes.get(3).output()).containsEntry("doubled", 6.0);
        }
    }

    @Test
    void aWorkerKilledDuringARequestIsReportedAndRestarted() throws Exception {
        ModelHome home = behaving("killed");
        try (PythonModel model = PythonModel.start(home, env, settings(), "test/killed")) {
            long pid = model.workerPids().get(0);
            CompletableFuture<List<RowOutcome>> slow = CompletableFuture.supplyAsync(() -> model.score(List.of(row(1.0, 1L, "slow"))));
            Thread.sleep(700);
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();

            assertThatThrownBy(() -> slow.get(20, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(CarraraException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.WORKER_UNAVAILABLE.toErrorCode()))
                    .hasMessageContaining("test/killed")
                    .hasMessageContaining("behaving model loaded");

            awaitServing(model);
            assertThat(model.workerPids()).doesNotContain(pid);
            assertThat(model.score(List.of(row(2.0, 1L, "after"))).get(0).output()).containsEntry("doubled", 4.0);
            assertThat(model.health().restarts()).isEqualTo(1);
        }
    }

    @Test
    void aHangingPredictPastTheTimeoutIsKilledAndTheNextRequestWorks() throws Exception {
        ModelHome home = behaving("hangs");
        try (PythonModel model = PythonModel.start(home, env, settings().withRequestTimeout(Duration.ofMillis(1500)), "test/hangs")) {
            long pid = model.workerPids().get(0);

            assertThatThrownBy(() -> model.score(List.of(row(1.0, 1L, "hang"))))
                    .isInstanceOfSatisfying(CarraraException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.WORKER_UNAVAILABLE.toErrorCode()))
                    .hasMessageContaining("did not answer within 1500 ms");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            assertThat(model.health().state()).isEqualTo(PythonModel.State.UNAVAILABLE);

            awaitServing(model);
            assertThat(model.score(List.of(row(1.0, 1L, "fine"))).get(0).isSuccess()).isTrue();
        }
    }

    @Test
    void callsInFlightTogetherEachGetTheirOwnAnswerAndAnInterruptedCallLeavesTheWorker() throws Exception {
        ModelHome home = behaving("together");
        try (PythonModel model = PythonModel.start(home, env, settings(), "test/together")) {
            long pid = model.workerPids().get(0);
            // Eight threads, each with its own values, on one worker: each call on a connection of its own.
            List<CompletableFuture<Boolean>> calls = new java.util.ArrayList<>();
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                for (int t = 0; t < 8; t++) {
                    double x = t;
                    calls.add(CompletableFuture.supplyAsync(() -> {
                        for (int i = 0; i < 25; i++) {
                            Map<String, Object> out = model.score(List.of(row(x + i / 100.0, (long) i, "t"))).get(0).output();
                            if (!out.get("doubled").equals(2.0 * (x + i / 100.0)) || !out.get("next").equals((long) i + 1)) {
                                return false;
                            }
                        }
                        return true;
                    }, threads));
                }
                for (CompletableFuture<Boolean> call : calls) {
                    assertThat(call.get(60, TimeUnit.SECONDS)).isTrue();
                }

                // A cancelled task interrupts its thread in the middle of a call: that call fails, the worker stays.
                java.util.concurrent.Future<?> slow = threads.submit(() -> model.score(List.of(row(1.0, 1L, "slow"))));
                Thread.sleep(500);
                slow.cancel(true);
                Thread.sleep(200);
                assertThat(model.workerPids()).containsExactly(pid);
                assertThat(model.health().restarts()).isZero();
                assertThat(model.score(List.of(row(3.0, 1L, "after"))).get(0).output()).containsEntry("doubled", 6.0);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** Answers, in "next", how many rows the call it was in had; "slow" takes 3 s, anything else 0.2 s; "boom" raises. */
    static final String COUNTING_MODEL = """
            import time
            import carrara
            import pandas as pd

            class Counting(carrara.DataFrameModel):
                def __init__(self, home):
                    pass

                def predict(self, df):
                    if (df["label"] == "boom").any():
                        raise ValueError("cannot score boom")
                    time.sleep(3.0 if (df["label"] == "slow").any() else 0.2)
                    return pd.DataFrame({
                        "doubled": df["x"] * 2.0,
                        "next": pd.Series([len(df)] * len(df), dtype="int64"),
                        "shout": df["label"].str.upper(),
                        "positive": df["x"] > 0,
                    })
            """;

    private ModelHome counting(String name) {
        return ModelHome.read(ModelHomes.write(temp.resolve(name), ModelHomes.DATAFRAME_YAML, COUNTING_MODEL,
                TestEnvironments.REQUIREMENTS, ModelHomes.DATAFRAME_INPUT, ModelHomes.DATAFRAME_EXPECTED));
    }

    /** Each request of one row from its own thread, all released at once; the outcomes in request order. */
    private static List<RowOutcome> concurrently(PythonModel model, List<Map<String, Object>> rows) throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(rows.size());
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<RowOutcome>> calls = new java.util.ArrayList<>();
            for (Map<String, Object> row : rows) {
                calls.add(threads.submit(() -> {
                    start.await();
                    return model.score(List.of(row)).get(0);
                }));
            }
            start.countDown();
            List<RowOutcome> outcomes = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<RowOutcome> call : calls) {
                outcomes.add(call.get(60, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void requestsWaitingForABusyWorkerShareOneCallAndEachGetsItsOwnRowsAnswer() throws Exception {
        ModelHome home = counting("combined");
        try (PythonModel model = PythonModel.start(home, env, settings(), "test/combined", false)) {
            List<Map<String, Object>> rows = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                rows.add(row(i + 0.5, (long) i, i == 11 ? "boom" : "r" + i));
            }
            List<RowOutcome> outcomes = concurrently(model, rows);

            for (int i = 0; i < 16; i++) {
                RowOutcome outcome = outcomes.get(i);
                if (i == 11) {
                    assertThat(outcome.error()).isEqualTo(PythonErrorCode.PREDICT_FAILED);
                    assertThat(outcome.message()).contains("cannot score boom");
                    continue;
                }
                assertThat(outcome.isSuccess()).as("request %d: %s", i, outcome.message()).isTrue();
                assertThat(outcome.output()).containsEntry("doubled", 2 * (i + 0.5)).containsEntry("shout", "R" + i);
            }
            // Two calls at most run at once (one predicting, one waiting in the worker): the other requests queued
            // and went together, so some call had several rows.
            assertThat(outcomes.stream().filter(RowOutcome::isSuccess).mapToLong(o -> (Long) o.output().get("next")).max()
                    .orElseThrow()).isGreaterThan(1);
        }

        try (PythonModel model = PythonModel.start(home, env, settings().withCombineRows(1), "test/alone", false)) {
            List<Map<String, Object>> rows = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                rows.add(row(i + 0.5, (long) i, "r" + i));
            }
            assertThat(concurrently(model, rows)).allSatisfy(outcome -> assertThat(outcome.output()).containsEntry("next", 1L));
        }
    }

    @Test
    void aCancelledRequestLeadingACombinedCallLeavesTheOthersToBeAnswered() throws Exception {
        ModelHome home = counting("cancelled");
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try (PythonModel model = PythonModel.start(home, env, settings(), "test/cancelled", false)) {
            long pid = model.workerPids().get(0);
            // a and b take both call slots (b waits in the worker behind a until 3 s, then takes 3 s more); c and d queue,
            // and c, first in the queue, leads the call of both when a ends; it waits behind b, and c is cancelled then.
            java.util.concurrent.Future<?> a = threads.submit(() -> model.score(List.of(row(1.0, 1L, "slow"))));
            Thread.sleep(200);
            java.util.concurrent.Future<?> b = threads.submit(() -> model.score(List.of(row(2.0, 1L, "slow"))));
            Thread.sleep(300);
            java.util.concurrent.Future<?> c = threads.submit(() -> model.score(List.of(row(3.0, 1L, "c"))));
            Thread.sleep(200);
            java.util.concurrent.Future<List<RowOutcome>> d = threads.submit(() -> model.score(List.of(row(4.0, 1L, "d"))));
            a.get(20, TimeUnit.SECONDS);
            Thread.sleep(1000);
            assertThat(c.isDone()).isFalse();
            c.cancel(true);

            RowOutcome answer = d.get(20, TimeUnit.SECONDS).get(0);
            assertThat(answer.output()).containsEntry("doubled", 8.0).containsEntry("shout", "D").containsEntry("next", 1L);
            b.get(20, TimeUnit.SECONDS);
            assertThat(model.workerPids()).containsExactly(pid);
            assertThat(model.health().restarts()).isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void rowsTooLargeForOneCallGoInSeveralAndOneRowTooLargeFails() {
        ModelHome home = ModelHome.read(ModelHomes.dataframe(temp, "large"));
        try (PythonModel model = PythonModel.start(home, env, settings(), "test/large")) {
            // Two rows of 33 MiB each make a request over the 64 MiB one call may carry: each goes in a call of its own.
            String big = "a".repeat(33 * 1024 * 1024);
            List<RowOutcome> outcomes = model.score(List.of(row(1.0, 1L, big), row(2.0, 2L, big)));
            assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.isSuccess()).isTrue());
            assertThat(outcomes.get(1).output()).containsEntry("doubled", 4.0);
            assertThat((String) outcomes.get(1).output().get("shout")).hasSize(big.length()).startsWith("AAA");

            String huge = "a".repeat(65 * 1024 * 1024);
            assertThatThrownBy(() -> model.score(List.of(row(1.0, 1L, huge))))
                    .isInstanceOfSatisfying(CarraraException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.PREDICT_FAILED.toErrorCode()))
                    .hasMessageContaining("one row makes a request of").hasMessageContaining("send smaller rows");
            assertThat(model.score(List.of(row(3.0, 1L, "after"))).get(0).output()).containsEntry("doubled", 6.0);
        }
    }

    @Test
    void workersGetACleanEnvironmentAndCloseLeavesNothing() throws Exception {
        assertThat(System.getenv("CARRARA_TEST_SECRET")).as("surefire sets the stand-in secret").isNotNull();
        ModelHome home = ModelHome.read(ModelHomes.dataframe(temp, "clean"));
        PythonModel model = PythonModel.start(home, env, settings().withWorkersPerInstance(2), "test/clean");
        List<Long> pids = model.workerPids();
        assertThat(pids).hasSize(2);
        String environ = new String(Files.readAllBytes(Path.of("/proc/" + pids.get(0) + "/environ")), StandardCharsets.UTF_8);
        List<String> names = Arrays.stream(environ.split("\0")).map(entry -> entry.split("=", 2)[0]).toList();
        assertThat(names).doesNotContain("CARRARA_TEST_SECRET").contains("PATH", "PYTHONUNBUFFERED")
                .allMatch(name -> List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONUNBUFFERED").contains(name)
                        || name.startsWith("PIP_") || name.equals("LC_CTYPE"));

        model.close();

        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
        try (Stream<Path> sockets = Files.list(temp.resolve("run"))) {
            assertThat(sockets).isEmpty();
        }
        assertThat(model.health().state()).isEqualTo(PythonModel.State.CLOSED);
        assertThatThrownBy(() -> model.score(List.of(row(1.0, 1L, "x"))))
                .isInstanceOf(CarraraException.class).hasMessageContaining("closed");
    }

    @Test
    void validationReportsMatchesAndDifferences() {
        PythonValidation validation = new PythonValidation(settings());
        ValidationReport ok = validation.run(env, ModelHome.read(ModelHomes.dataframe(temp, "valid")));
        assertThat(ok.ok()).isTrue();
        assertThat(ok.rows()).isEqualTo(2);

        Path dir = ModelHomes.dataframe(temp, "invalid");
        ModelHomes.file(dir, "validation/expected.jsonl", ModelHomes.DATAFRAME_EXPECTED.replace("\"A\"", "\"Z\""));
        ValidationReport differs = validation.run(env, ModelHome.read(dir));
        assertThat(differs.ok()).isFalse();
        assertThat(differs.differences()).extracting(ValidationReport.ColumnDifference::column).containsExactly("shout");
        assertThat(differs.describe()).contains("DIFFERS").contains("shout: 1 differing rows").contains("expected \"Z\"");

        Path broken = ModelHomes.dataframe(temp, "broken");
        ModelHomes.file(broken, "model.py", "import no_such_module_carrara\n");
        assertThatThrownBy(() -> validation.run(env, ModelHome.read(broken)))
                .isInstanceOfSatisfying(CarraraException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.MODEL_LOAD_FAILED.toErrorCode()))
                .hasMessageContaining("no_such_module_carrara");
    }

    private ModelHome behaving(String name) {
        return ModelHome.read(ModelHomes.write(temp.resolve(name), ModelHomes.DATAFRAME_YAML, BEHAVING_MODEL,
                TestEnvironments.REQUIREMENTS, ModelHomes.DATAFRAME_INPUT, ModelHomes.DATAFRAME_EXPECTED));
    }

    private static void awaitServing(PythonModel model) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (model.health().state() != PythonModel.State.SERVING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(model.health().state()).isEqualTo(PythonModel.State.SERVING);
    }
}
