package io.carrara.python;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A built virtual environment: {@code directory} is {@code ENVS/HASH}; run it only as
 * {@code python().toString() + " -m ..."} (console scripts carry the build folder's path).
 *
 * @param hash the content hash naming it (see {@link PythonEnvironments#hash})
 * @param directory the environment's folder
 * @param pythonVersion the interpreter's major.minor.micro, e.g. {@code 3.11.7}
 */
public record Environment(String hash, Path directory, String pythonVersion) {
    public Environment {
        requireNonNull(hash, "hash is null");
        requireNonNull(directory, "directory is null");
        requireNonNull(pythonVersion, "pythonVersion is null");
    }

    public Path python() {
        return directory.resolve("bin").resolve("python");
    }

    public Path sitePackages() {
        return sitePackages(directory, pythonVersion);
    }

    static Path sitePackages(Path directory, String pythonVersion) {
        String[] parts = pythonVersion.split("\\.");
        return directory.resolve("lib").resolve("python" + parts[0] + "." + parts[1]).resolve("site-packages");
    }
}
