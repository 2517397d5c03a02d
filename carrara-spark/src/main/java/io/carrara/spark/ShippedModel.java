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

/**
 * A saved model's files, carried inside the Spark task closure so executors need no access to the
 * driver's model directory. Each executor JVM writes them once to a local temporary directory,
 * keyed by their SHA-256, and loads from there. Checksum files ({@code .crc}) are left out.
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

    /** The local directory holding these files, written on first use in this JVM. */
    public Path directory() {
        return MATERIALIZED.computeIfAbsent(digest, key -> {
            try {
                Path directory = Files.createTempDirectory("carrara-model-" + key.substring(0, 12));
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
        });
    }

    /** SHA-256 over the files' relative paths and contents. */
    public String digest() {
        return digest;
    }
}
