package io.carrara.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerfilesTest {
    @TempDir
    Path temp;

    @Test
    void rendersTheEnvironmentAsAnImage() {
        Path dir = ModelHomes.dataframe(temp, "doubler");
        ModelHomes.file(dir, "packages.txt", "libgomp1\n# comment\nlibsndfile1\n");
        ModelHomes.file(dir, "setup.sh", "python -c 'print(1)'\n");

        String dockerfile = Dockerfiles.render(ModelHome.read(dir), "1.2.3");

        assertThat(dockerfile).contains("FROM python:3.11-slim-bookworm\n")
                .contains("io.carrara.version=\"1.2.3\"")
                .contains("apt-get install -y --no-install-recommends libgomp1 libsndfile1")
                .contains("COPY model/requirements.txt /opt/carrara/requirements.txt\n")
                .contains("RUN pip install -r /opt/carrara/requirements.txt 'numpy>=1.24' 'pandas>=2.0' 'pyarrow>=14' 'pyyaml>=6'\n")
                .contains("COPY carrara/ /usr/local/lib/python3.11/site-packages/carrara/\n")
                .contains("COPY model/ /opt/carrara/model/\n")
                .contains("CARRARA_ENV=/usr/local CARRARA_MODEL_HOME=/opt/carrara/model bash /opt/carrara/model/setup.sh")
                .contains("VOLUME /run/carrara\n")
                .contains("ENTRYPOINT [\"python\", \"-m\", \"carrara.worker\", \"--home\", \"/opt/carrara/model\"]\n")
                .contains("CMD [\"--socket\", \"/run/carrara/worker.sock\"]\n");
        assertThat(dockerfile.indexOf("apt-get")).isLessThan(dockerfile.indexOf("pip install"));
        assertThat(dockerfile.indexOf("COPY model/ ")).isLessThan(dockerfile.indexOf("setup.sh"));
    }

    @Test
    void leavesOutWhatTheHomeDoesNotHave() {
        String dockerfile = Dockerfiles.render(ModelHome.read(ModelHomes.dataframe(temp, "plain")), Dockerfiles.carraraVersion());

        assertThat(dockerfile).doesNotContain("apt-get").doesNotContain("setup.sh").contains("io.carrara.version=\"0.1.0");
    }
}
