package io.carrara.python;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Renders the Dockerfile that builds a model's environment as an image, the same one
 * {@link PythonEnvironments} builds on a host: the model's Python, its Debian packages, its pinned
 * requirements and the carrara package's own, the carrara package this jar carries, setup.sh, and the
 * model under {@code /opt/carrara/model}. The build context it expects is what {@link ImageBuilder} writes:
 * {@code Dockerfile}, {@code model/} (the home folder) and {@code carrara/} (the package).
 */
public final class Dockerfiles {
    public static final String MODEL_DIRECTORY = "/opt/carrara/model";
    public static final String SOCKET_DIRECTORY = "/run/carrara";

    private Dockerfiles() {}

    /** The Dockerfile text for {@code home}, labelled with {@code carraraVersion}. */
    public static String render(ModelHome home, String carraraVersion) {
        requireNonNull(home, "home is null");
        requireNonNull(carraraVersion, "carraraVersion is null");
        PythonPackage carrara = PythonPackage.bundled();
        String sitePackages = "/usr/local/lib/python" + home.python() + "/site-packages";
        StringBuilder text = new StringBuilder();
        text.append("# Rendered by Carrara ").append(carraraVersion).append(" for the model home ")
                .append(home.directory().getFileName()).append(".\n");
        text.append("# Build context: this file, model/ (the model home) and carrara/ (the carrara package).\n");
        text.append("# Run with stdin kept open (docker run -i): the worker exits when its stdin closes.\n");
        text.append("FROM python:").append(home.python()).append("-slim-bookworm\n\n");
        text.append("LABEL io.carrara.version=\"").append(carraraVersion).append("\" \\\n")
                .append("      io.carrara.package=\"").append(carrara.contentHash()).append("\" \\\n")
                .append("      io.carrara.model.kind=\"").append(home.kind().wireName()).append("\"\n");
        text.append("ENV PYTHONUNBUFFERED=1 \\\n    PIP_DISABLE_PIP_VERSION_CHECK=1 \\\n    PIP_NO_CACHE_DIR=1\n\n");
        List<String> packages = home.systemPackages();
        if (!packages.isEmpty()) {
            text.append("RUN apt-get update \\\n    && apt-get install -y --no-install-recommends ")
                    .append(String.join(" ", packages))
                    .append(" \\\n    && rm -rf /var/lib/apt/lists/*\n\n");
        }
        text.append("COPY model/").append(ModelHome.REQUIREMENTS).append(" /opt/carrara/").append(ModelHome.REQUIREMENTS).append('\n');
        text.append("RUN pip install -r /opt/carrara/").append(ModelHome.REQUIREMENTS).append(' ')
                .append(carrara.requirements().stream().map(Dockerfiles::quote).collect(Collectors.joining(" "))).append("\n\n");
        text.append("COPY carrara/ ").append(sitePackages).append("/carrara/\n");
        text.append("COPY model/ ").append(MODEL_DIRECTORY).append("/\n");
        if (Files.isRegularFile(home.directory().resolve(ModelHome.SETUP))) {
            text.append("RUN cd /usr/local && CARRARA_ENV=/usr/local CARRARA_MODEL_HOME=").append(MODEL_DIRECTORY)
                    .append(" bash ").append(MODEL_DIRECTORY).append('/').append(ModelHome.SETUP).append('\n');
        }
        text.append('\n');
        text.append("RUN useradd --system --no-create-home carrara && mkdir -p ").append(SOCKET_DIRECTORY)
                .append(" && chown carrara ").append(SOCKET_DIRECTORY).append('\n');
        text.append("USER carrara\n");
        text.append("VOLUME ").append(SOCKET_DIRECTORY).append('\n');
        text.append("ENTRYPOINT [\"python\", \"-m\", \"carrara.worker\", \"--home\", \"").append(MODEL_DIRECTORY).append("\"]\n");
        text.append("CMD [\"--socket\", \"").append(SOCKET_DIRECTORY).append("/worker.sock\"]\n");
        return text.toString();
    }

    /** This build's Carrara version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String carraraVersion() {
        try (InputStream in = Dockerfiles.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            String version = properties.getProperty("version", "");
            return version.isEmpty() || version.startsWith("${") ? "dev" : version;
        } catch (IOException e) {
            return "dev";
        }
    }

    private static String quote(String requirement) {
        return "'" + requirement.replace("'", "'\\''") + "'";
    }
}
