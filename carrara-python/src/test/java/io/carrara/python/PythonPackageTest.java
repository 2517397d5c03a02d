package io.carrara.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonPackageTest {
    @TempDir
    Path temp;

    @Test
    void carriesTheRepositorysPackage() {
        PythonPackage carrara = PythonPackage.bundled();

        assertThat(carrara.files()).contains("__init__.py", "worker.py", "codec.py").noneMatch(file -> file.endsWith(".pyc"));
        assertThat(carrara.contentHash()).matches("[0-9a-f]{64}").isEqualTo(PythonPackage.bundled().contentHash());
        assertThat(carrara.requirements()).containsExactly("numpy>=1.24", "pandas>=2.0", "pyarrow>=14", "pyyaml>=6");

        carrara.copyInto(temp);
        assertThat(temp.resolve("carrara/worker.py")).exists();
        assertThat(temp.resolve("carrara/__init__.py")).hasSameTextualContentAs(Path.of("../python/src/carrara/__init__.py"));
    }
}
