package io.carrara.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.spi.error.CarraraException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environment builds with a stand-in carrara package that needs nothing from pip, so that each build is a bare
 * virtual environment (a few seconds); the real package's environments are built by the worker tests.
 */
class PythonEnvironmentsTest {
    @TempDir
    Path temp;

    private PythonPackage stub(String marker) {
        return PythonPackage.of(Map.of("__init__.py", ("MARKER = '" + marker + "'\n").getBytes(StandardCharsets.UTF_8)), List.of());
    }

    private PythonEnvironments environments(PythonPackage carrara) {
        return new PythonEnvironments(TestEnvironments.settings(temp), carrara);
    }

    /** A home with no requirements: its environment is a bare venv plus the stand-in package. */
    private Path bareHome(String name) {
        return ModelHomes.write(temp.resolve(name), ModelHomes.DATAFRAME_YAML, ModelHomes.DATAFRAME_MODEL, "# nothing\n",
                ModelHomes.DATAFRAME_INPUT, ModelHomes.DATAFRAME_EXPECTED);
    }

    @Test
    void hashIsStableAndChangesWithEachInput() {
        PythonEnvironments environments = environments(stub("a"));
        Path dir = bareHome("home");
        String first = environments.hash(ModelHome.read(dir));

        assertThat(first).matches("[0-9a-f]{64}");
        assertThat(environments.hash(ModelHome.read(dir))).isEqualTo(first);
        // The model's code and validation rows are not part of the environment.
        ModelHomes.file(dir, "model.py", "# changed\n");
        assertThat(environments.hash(ModelHome.read(dir))).isEqualTo(first);

        List<String> hashes = new ArrayList<>(List.of(first));
        ModelHomes.file(dir, "requirements.txt", "numpy==2.2.6\n");
        hashes.add(environments.hash(ModelHome.read(dir)));
        ModelHomes.file(dir, "setup.sh", "echo hi\n");
        hashes.add(environments.hash(ModelHome.read(dir)));
        ModelHomes.file(dir, "packages.txt", "bash\n");
        hashes.add(environments.hash(ModelHome.read(dir)));
        hashes.add(environments(stub("b")).hash(ModelHome.read(dir)));
        assertThat(hashes).doesNotHaveDuplicates();
    }

    @Test
    void concurrentPreparesOfOneHashBuildOnce() throws Exception {
        PythonPackage carrara = stub("concurrent-" + System.nanoTime());
        ModelHome home = ModelHome.read(bareHome("concurrent"));
        int callers = 4;
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Environment>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                // Separate instances, as the server and a CLI in one JVM would be.
                PythonEnvironments environments = environments(carrara);
                results.add(pool.submit(() -> {
                    start.await();
                    return environments.prepare(home, output::add);
                }));
            }
            start.countDown();
            List<Environment> built = new ArrayList<>();
            for (Future<Environment> result : results) {
                built.add(result.get());
            }
            assertThat(new java.util.HashSet<>(built)).hasSize(1);
            assertThat(output.stream().filter(line -> line.startsWith("== create the virtual environment"))).hasSize(1);
            Environment environment = built.get(0);
            assertThat(environment.python()).isExecutable();
            assertThat(environment.sitePackages().resolve("carrara/__init__.py")).exists();
            assertThat(Files.list(TestEnvironments.directory()).map(path -> path.getFileName().toString()))
                    .noneMatch(name -> name.startsWith(".building-" + environment.hash()));

            // An existing environment is reused without building.
            List<String> again = new ArrayList<>();
            assertThat(environments(carrara).prepare(home, again::add)).isEqualTo(environment);
            assertThat(again).isEmpty();
            // Each run builds its own (a fresh stand-in package); do not let them pile up in the shared folder.
            PythonEnvironments.deleteTree(environment.directory());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRequirementThatDoesNotExistFailsWithTheLogsLastLines() {
        Path dir = bareHome("missingRequirement");
        ModelHomes.file(dir, "requirements.txt", "no-such-package-carrara==1.0\n");
        PythonEnvironments environments = environments(stub("missing"));
        ModelHome home = ModelHome.read(dir);
        String hash = environments.hash(home);

        assertThatThrownBy(() -> environments.prepare(home, line -> {}))
                .isInstanceOfSatisfying(CarraraException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.ENVIRONMENT_FAILED.toErrorCode()))
                .hasMessageContaining("install requirements.txt with pip failed with exit status 1")
                .hasMessageContaining("No matching distribution found for no-such-package-carrara==1.0")
                .hasMessageContaining(hash + ".failed.log");
        assertThat(TestEnvironments.directory().resolve(hash + ".failed.log")).content().contains("no-such-package-carrara");
        assertThat(TestEnvironments.directory().resolve(hash)).doesNotExist();
    }

    @Test
    void aFailingSetupScriptFailsTheBuild() {
        Path dir = bareHome("failingSetup");
        ModelHomes.file(dir, "setup.sh", "echo \"setting up in $CARRARA_ENV for $CARRARA_MODEL_HOME\"\n"
                + "echo 'cannot fetch the vocabulary' >&2\nexit 1\n");
        PythonEnvironments environments = environments(stub("setup"));
        ModelHome home = ModelHome.read(dir);
        String hash = environments.hash(home);

        assertThatThrownBy(() -> environments.prepare(home, line -> {}))
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining("run setup.sh failed with exit status 1")
                .hasMessageContaining("cannot fetch the vocabulary");
        assertThat(TestEnvironments.directory().resolve(hash + ".failed.log")).content()
                .contains("setting up in " + TestEnvironments.directory().toAbsolutePath().normalize() + "/.building-" + hash)
                .contains(" for " + dir.toAbsolutePath());
        assertThat(TestEnvironments.directory().resolve(hash)).doesNotExist();
    }

    @Test
    void aBuildPastItsTimeoutIsKilledWithItsChildren() throws Exception {
        Path dir = bareHome("slowSetup");
        Path pidFile = temp.resolve("sleep.pid");
        ModelHomes.file(dir, "setup.sh", "sleep 120 &\necho $! > " + pidFile + "\necho 'waiting for the download'\nwait\n");
        PythonEnvironments environments = new PythonEnvironments(
                TestEnvironments.settings(temp).withBuildTimeout(java.time.Duration.ofSeconds(10)), stub("timeout"));
        ModelHome home = ModelHome.read(dir);

        assertThatThrownBy(() -> environments.prepare(home, line -> {}))
                .isInstanceOfSatisfying(CarraraException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.ENVIRONMENT_FAILED.toErrorCode()))
                .hasMessageContaining("run setup.sh did not finish within the build timeout (10 s) and was killed")
                .hasMessageContaining("waiting for the download");
        long sleeper = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(runs(sleeper)).as("setup.sh's child sleep is killed with it").isFalse();
        assertThat(TestEnvironments.directory().resolve(environments.hash(home))).doesNotExist();
    }

    /** Running, not a zombie waiting for whoever inherited it to reap it; polled for a few seconds. */
    private static boolean runs(long pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        for (int i = 0; i < 50; i++) {
            if (!Files.exists(stat)) {
                return false;
            }
            String text = Files.readString(stat);
            if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    @Test
    void namesEveryMissingDebianPackage() {
        Path dir = bareHome("debian");
        ModelHomes.file(dir, "packages.txt", "bash\nno-such-package-carrara\nlibcarrara-missing2\n");
        PythonEnvironments environments = environments(stub("debian"));

        assertThatThrownBy(() -> environments.prepare(ModelHome.read(dir), line -> {}))
                .isInstanceOfSatisfying(CarraraException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.SYSTEM_PACKAGES_MISSING.toErrorCode()))
                .hasMessageContaining("no-such-package-carrara, libcarrara-missing2 are not installed")
                .hasMessageNotContaining("bash,");
    }

    @Test
    void refusesAnotherPythonVersion() {
        Path dir = bareHome("oldPython");
        ModelHomes.file(dir, "carrara.yaml", ModelHomes.DATAFRAME_YAML.replace("\"3.11\"", "\"3.9\""));
        PythonEnvironments environments = environments(stub("version"));

        assertThatThrownBy(() -> environments.prepare(ModelHome.read(dir), line -> {}))
                .isInstanceOfSatisfying(CarraraException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.INTERPRETER_MISMATCH.toErrorCode()))
                .hasMessageContaining("the model needs Python 3.9")
                .hasMessageContaining("is Python " + environments.interpreterVersion());
    }

    @Test
    void removesLeftoversOfDeadBuilds() throws Exception {
        Path leftover = TestEnvironments.directory().resolve(".building-" + "0".repeat(64) + "-deadbeef");
        Files.createDirectories(leftover.resolve("bin"));
        Files.writeString(leftover.resolve("bin/python"), "");

        environments(stub("leftovers"));

        assertThat(leftover).doesNotExist();
    }
}
