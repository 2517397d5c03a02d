package io.carrara.pipeline.format;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The root of a saved model, through which every path inside it is resolved. Names come from the
 * model's own files (a stage uid in the pipeline's metadata becomes {@code stages/<index>_<uid>}),
 * so a save edited by hand or by an attacker could otherwise make us read outside it.
 * {@link #resolve} takes one name at a time, refuses any that is not a single plain segment, and
 * follows symbolic links to check that the result lies below its parent, hence inside the model
 * and never back up into a loop. Errors name paths relative to the root, never the root itself:
 * they reach API users, and the root is a path on the server.
 *
 * <pre>{@code
 * ModelDirectory model = ModelDirectory.of(directory);
 * Path stages = model.resolve(model.root(), "stages", "stage 0 (strIdx_d244)");
 * String shown = model.describe(stages);  // 'stages'
 * }</pre>
 */
public final class ModelDirectory {
    /** What to do about a name Spark would not have written. */
    public static final String RESAVE = "Spark ML's save() never writes this, so save the model again with it";
    private static final String COPY_LINK = "replace the link with a copy of what it points to";

    private final Path root;
    private final Path realRoot;

    private ModelDirectory(Path root, Path realRoot) {
        this.root = root;
        this.realRoot = realRoot;
    }

    /**
     * The model saved in {@code directory}, which must exist. The directory itself may be reached
     * through a link (e.g. /tmp on macOS); only links inside it are checked.
     */
    public static ModelDirectory of(Path directory) {
        requireNonNull(directory, "directory is null");
        Path root = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            // The caller chose this path, so naming it tells nobody anything new.
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, "model directory " + directory + " does not exist");
        }
        try {
            return new ModelDirectory(root, root.toRealPath());
        } catch (IOException e) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, null,
                    "cannot read model directory " + directory + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * The entry {@code name} of {@code parent}, a directory of this model: {@code name} must be a
     * single segment (no separator, NUL, {@code .} or {@code ..}), and if the entry exists, its
     * real path (links followed) must lie below {@code parent}'s. The entry need not exist;
     * callers report a missing one in their own words. {@code stage} names the stage in errors.
     */
    public Path resolve(Path parent, String name, String stage) {
        requireNonNull(parent, "parent is null");
        requireNonNull(name, "name is null");
        String problem = problemWith(name);
        if (problem != null) {
            throw leaves(stage, "'" + name + "' in " + describe(parent) + " " + problem, RESAVE);
        }
        Path entry;
        try {
            entry = parent.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw leaves(stage, "'" + name + "' in " + describe(parent) + " is not a file name on this system", RESAVE);
        }
        if (!entry.startsWith(root) || !entry.getParent().equals(parent.toAbsolutePath().normalize())) {
            // Unreachable given the checks above, but it's the one property everything relies on.
            throw leaves(stage, describe(entry) + " is not inside " + describe(parent), RESAVE);
        }
        checkRealPath(parent, entry, stage);
        return entry;
    }

    /**
     * Why {@code name}, read from a model's files, can't name an entry of a directory, or null if
     * it can. Separators of every platform are refused, so a save means the same thing everywhere.
     */
    public static String problemWith(String name) {
        if (name.isEmpty()) {
            return "is empty";
        }
        if (name.indexOf('\0') >= 0) {
            return "has a NUL character";
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return "has a path separator";
        }
        if (name.equals(".") || name.equals("..")) {
            return "is '" + name + "'";
        }
        return null;
    }

    /** {@code path} as errors show it: relative to the root and quoted, or "the model directory". */
    public String describe(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        if (normal.equals(root)) {
            return "the model directory";
        }
        if (normal.startsWith(root)) {
            return "'" + root.relativize(normal).toString().replace(File.separatorChar, '/') + "'";
        }
        return "a path outside the model directory";
    }

    /**
     * {@code failure}'s message with the root taken out, for errors that pass on what the file
     * system or a library said (they name files by absolute path).
     */
    public String reason(Exception failure) {
        String message = failure.getMessage();
        if (message == null) {
            return failure.getClass().getSimpleName();
        }
        for (Path prefix : new Path[] {realRoot, root}) {
            message = message.replace(prefix + File.separator, "").replace(prefix.toString(), ".");
        }
        return message;
    }

    private void checkRealPath(Path parent, Path entry, String stage) {
        if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path realEntry;
        Path realParent;
        try {
            realEntry = entry.toRealPath();
            realParent = parent.toRealPath();
        } catch (NoSuchFileException e) {
            // A link to nothing: reading it fails later, as for a missing entry, and reads nothing.
            return;
        } catch (IOException e) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, stage,
                    "cannot read " + describe(entry) + ": " + reason(e), e);
        }
        if (!realEntry.startsWith(realRoot)) {
            throw leaves(stage, describe(entry) + " is a symbolic link, or lies below one, to outside it", COPY_LINK);
        }
        // Below the parent, not merely inside the root: a link back up would make the save a loop.
        if (!realEntry.startsWith(realParent) || realEntry.equals(realParent)) {
            throw leaves(stage, describe(entry) + " is a symbolic link back up the model directory, which would"
                    + " make the save a loop", COPY_LINK);
        }
    }

    private static ModelException leaves(String stage, String why, String next) {
        return new ModelException(PipelineErrorCode.MODEL_UNREADABLE, stage, "a path leaves the model directory: " + why + "; " + next);
    }
}
