package io.carrara.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The carrara Python package ({@code python/src/carrara} of this repository) as this jar carries it, under
 * {@code io/carrara/python/package/carrara/}: what every environment and image gets, so that the Java side
 * and its workers always speak the same protocol version.
 * <pre>{@code
 * PythonPackage carrara = PythonPackage.bundled();
 * carrara.copyInto(env.resolve("lib/python3.11/site-packages"));
 * }</pre>
 */
public final class PythonPackage {
    static final String RESOURCE_ROOT = "io/carrara/python/package/carrara";

    /** What the worker imports, installed with the model's requirements: the {@code runtime} extra of python/pyproject.toml and PyYAML. */
    private static final List<String> REQUIREMENTS =
            List.of("numpy>=1.24", "pandas>=2.0", "pyarrow>=14", "pyyaml>=6");

    private static volatile PythonPackage bundled;

    private final SortedMap<String, byte[]> files;
    private final List<String> requirements;
    private final String contentHash;

    private PythonPackage(SortedMap<String, byte[]> files, List<String> requirements) {
        this.files = files;
        this.requirements = List.copyOf(requirements);
        this.contentHash = hash(files);
    }

    /** A package of the given files and requirements: for tests that need no real worker. */
    static PythonPackage of(Map<String, byte[]> files, List<String> requirements) {
        return new PythonPackage(new TreeMap<>(files), requirements);
    }

    /** The package this jar (or class folder) carries; read once. */
    public static PythonPackage bundled() {
        PythonPackage result = bundled;
        if (result == null) {
            synchronized (PythonPackage.class) {
                result = bundled;
                if (result == null) {
                    result = new PythonPackage(readBundled(), REQUIREMENTS);
                    bundled = result;
                }
            }
        }
        return result;
    }

    /** SHA-256 (hex) over the package's files: each relative path, a NUL, its length, a NUL and its bytes, in path order. */
    public String contentHash() {
        return contentHash;
    }

    /** Relative paths of the package's files ({@code __init__.py}, {@code worker/__main__.py}, ...), sorted. */
    public List<String> files() {
        return List.copyOf(files.keySet());
    }

    /** The pip requirement specifiers the package itself needs, e.g. {@code numpy>=1.24}. */
    public List<String> requirements() {
        return requirements;
    }

    /** Writes the package as {@code sitePackages/carrara/...}, replacing files of the same name. */
    public void copyInto(Path sitePackages) {
        Path target = sitePackages.resolve("carrara");
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path path = target.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the carrara package into " + sitePackages, e);
        }
    }

    private static String hash(SortedMap<String, byte[]> files) {
        MessageDigest digest = sha256();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            digest.update(file.getKey().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Integer.toString(file.getValue().length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
            digest.update(file.getValue());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static SortedMap<String, byte[]> readBundled() {
        URL marker = PythonPackage.class.getClassLoader().getResource(RESOURCE_ROOT + "/__init__.py");
        if (marker == null) {
            throw new IllegalStateException("this build of carrara-python carries no carrara Python package ("
                    + RESOURCE_ROOT + "/__init__.py is not on the class path): build it from a checkout that has python/src/carrara");
        }
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                boolean opened = false;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                    opened = true;
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                try {
                    return readTree(jar.getPath("/" + RESOURCE_ROOT));
                } finally {
                    if (opened) {
                        jar.close();
                    }
                }
            }
            return readTree(Path.of(uri).getParent());
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the carrara Python package from " + marker, e);
        }
    }

    private static SortedMap<String, byte[]> readTree(Path root) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                String relative = root.relativize(path).toString().replace('\\', '/');
                if (relative.contains("__pycache__/") || relative.endsWith(".pyc")) {
                    continue;
                }
                files.put(relative, Files.readAllBytes(path));
            }
        }
        return files;
    }
}
