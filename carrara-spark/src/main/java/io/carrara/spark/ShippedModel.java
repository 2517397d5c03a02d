package io.carrara.spark;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * A saved model's files, carried inside the Spark task closure so executors need no access to the
 * driver's model directory. Each executor JVM writes them once to a local directory that Spark
 * removes when the application stops, keyed by their SHA-256, and loads from there. Checksum files ({@code .crc}) are left out.
 */
public final class ShippedModel implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Path> MATERIALIZED = new ConcurrentHashMap<>();

    private final TreeMap<String, byte[]> files;
    private final String digest;

    private ShippedModel(TreeMap<String, byte[]> files, String digest) {
        this.files = files;
        this.digest = digest;
    }

    /** Reads every file under {@code directory} into memory. */
    public static ShippedModel read(Path directory) {
        requireNonNull(directory, "directory is null");
        TreeMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            List<Path> regular = walk.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().endsWith(".crc"))
                    .sorted().toList();
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (Path file : regular) {
                String relative = directory.relativize(file).toString().replace('\\', '/');
                byte[] content = Files.readAllBytes(file);
                files.put(relative, content);
                sha256.update(relative.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha256.update(content);
            }
            return new ShippedModel(files, HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model directory " + directory, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The local directory holding these files, written on first use in this JVM (and again if Spark
     * removed it since). It lies in Spark's directory for the files an application ships with its tasks
     * ({@code SparkFiles.getRootDirectory()}), which Spark deletes when the application stops, so models
     * do not pile up in the temporary directory of a long-running server or executor.
     */
    public Path directory() {
        Path known = MATERIALIZED.get(digest);
        if (known != null && Files.isDirectory(known)) {
            return known;
        }
        synchronized (MATERIALIZED) {
            known = MATERIALIZED.get(digest);
            if (known != null && Files.isDirectory(known)) {
                return known;
            }
            Path written = write();
            MATERIALIZED.put(digest, written);
            return written;
        }
    }

    private Path write() {
        try {
            Path base = sparkFilesDirectory();
            Files.createDirectories(base);
            Path directory = Files.createTempDirectory(base, "carrara-model-" + digest.substring(0, 12));
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path target = directory.resolve(file.getKey()).normalize();
                if (!target.startsWith(directory)) {
                    throw new IllegalStateException("model file escapes its directory: " + file.getKey());
                }
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the shipped model to a temporary directory", e);
        }
    }

    /** Spark's directory for files shipped with tasks when Spark runs in this JVM, else the temporary directory. */
    private static Path sparkFilesDirectory() {
        if (SparkEnv.get() != null) {
            try {
                return Path.of(SparkFiles.getRootDirectory()).toAbsolutePath();
            } catch (RuntimeException e) {
                // No application directory (a stopped context): fall back to the temporary directory.
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** SHA-256 over the files' relative paths and contents. */
    public String digest() {
        return digest;
    }
}
