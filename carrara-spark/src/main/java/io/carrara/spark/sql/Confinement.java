package io.carrara.spark.sql;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether a table's location lies under a directory, compared as URIs: the same scheme and
 * authority (bucket, host), and a path under the directory's after {@code .} and {@code ..} are
 * resolved. {@code file:/w}, {@code file:///w} and {@code /w} are one directory. Symbolic links are
 * not followed: a location is where the catalog says the data is.
 */
final class Confinement {
    private Confinement() {
    }

    /** The directory as a URI: {@code file:///…}, {@code s3a://bucket/…}, or a local path. */
    static URI directory(String directory) {
        URI uri;
        try {
            uri = new URI(directory);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null) {
            uri = Path.of(directory).toAbsolutePath().toUri();
        }
        if (uri.getPath() == null) {
            throw new IllegalArgumentException("confinedTo " + directory + " is not a directory or a hierarchical URI");
        }
        return uri.normalize();
    }

    static boolean within(String location, URI directory) {
        try {
            return within(new URI(location), directory);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static boolean within(URI location, URI directory) {
        URI normal = location.normalize();
        String scheme = normal.getScheme() == null ? "file" : normal.getScheme();
        if (!scheme.toLowerCase(Locale.ROOT).equals(directory.getScheme().toLowerCase(Locale.ROOT))
                || !Objects.equals(authority(normal), authority(directory)) || normal.getPath() == null) {
            return false;
        }
        String path = trimmed(normal.getPath());
        String root = trimmed(directory.getPath());
        if (path.contains("/../") || path.endsWith("/..")) {
            return false;
        }
        return root.equals("/") || path.equals(root) || path.startsWith(root + "/");
    }

    /** {@code file:/w} has no authority and {@code file:///w} an empty one: the same place. */
    private static String authority(URI uri) {
        return uri.getAuthority() == null ? "" : uri.getAuthority().toLowerCase(Locale.ROOT);
    }

    private static String trimmed(String path) {
        String trimmed = path;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
