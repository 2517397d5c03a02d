package io.carrara.spi.archive;

import static io.carrara.spi.error.StandardErrorCode.ALREADY_EXISTS;
import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static io.carrara.spi.error.StandardErrorCode.UNSAFE_ARCHIVE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import io.carrara.spi.io.FileTrees;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The ZIP format in which a model directory travels ({@code packaging: "zip"}). Packing is
 * deterministic: the same files give the same bytes, hence the same SHA-256, so uploading an
 * unchanged model again stores nothing new. Reading is defensive: {@link #validate} and
 * {@link #extract} refuse any entry that could land outside the target directory.
 *
 * <pre>{@code
 * ModelArchive.pack(modelDirectory, out);                        // client, before POST /api/v1/blobs
 * List<String> names = ModelArchive.validate(in);                // server, before committing the instance
 * ModelArchive.extract(in, cache.resolve(instanceId.toString())); // runtime, before loading the model
 * }</pre>
 *
 * <p>An archive holds regular files only, as paths relative to the model directory separated by
 * {@code '/'}. Empty directories and file permissions are not kept. Archives made by other tools
 * are accepted if they follow the same rules; their directory entries are allowed.
 */
public final class ModelArchive {
    /**
     * The time stamped on every entry. {@link ZipEntry#setTimeLocal} stores it as a plain DOS
     * date, the same in every time zone. Not 1980-01-01: that is the DOS minimum, for which the
     * JDK also writes an extended timestamp computed through the local time zone, so archives
     * made in Paris and in New York would differ. Gradle picks 1980-02-01 for the same reason.
     */
    static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 2, 1, 0, 0);

    private static final Pattern DRIVE_LETTER = Pattern.compile("[A-Za-z]:");
    private static final String FIELD = "artifact";
    private static final String REPACK = "pack the model directory again with ModelArchive.pack (the carrara CLI"
            + " does) or with a zip tool run from inside the directory, so every entry is a plain relative path";

    private ModelArchive() {}

    /**
     * How much an archive may hold, checked while it is read so a refused archive never costs
     * more than the limit: an archive of empty entries costs memory for their names, and a
     * highly compressed one (a ZIP bomb) costs disk when extracted. The server sets them from
     * {@code limits.archive.maxExpandedBytes} and {@code limits.archive.maxCompressionRatio}.
     *
     * @param maxEntries the most entries, directories included
     * @param maxExpandedBytes the most bytes all entries may expand to
     * @param maxCompressionRatio the most the archive may expand per compressed byte read so far,
     *     once it has expanded past {@link #RATIO_GRACE_BYTES}; {@code 100} means 100 to 1
     */
    public record Limits(int maxEntries, long maxExpandedBytes, int maxCompressionRatio) {
        /**
         * Below this many expanded bytes the ratio is not checked: a megabyte of disk is not worth
         * refusing a model for, and a small file of repeated text (a JSON list of a thousand
         * zeros) can compress beyond any ratio that real models reach in bulk.
         */
        public static final long RATIO_GRACE_BYTES = 1L << 20;

        /**
         * 100,000 entries, 32 GiB, 100 to 1. Spark saves model data as snappy Parquet, which DEFLATE
         * barely shrinks further: the golden Spark models expand 0.7 to 1.8 times their archive,
         * 3.3 times for their most compressible file, and metadata JSON rarely passes 10 to 1. So
         * 32 GiB leaves three times the server's default upload limit ({@code limits.maxBlobBytes},
         * 10 GiB) for any real model that fits through it, and 100 to 1, ten times more than real
         * files reach, still holds a bomb to 100 times its upload (the 1 MB upload that became
         * 1.1 GB expanded 1,100 to 1). Apache POI refuses Office files past the same ratio.
         */
        public static final Limits DEFAULT = new Limits(100_000, 32L << 30, 100);

        public Limits {
            if (maxEntries < 0) {
                throw new IllegalArgumentException("maxEntries is negative: " + maxEntries);
            }
            if (maxExpandedBytes < 0) {
                throw new IllegalArgumentException("maxExpandedBytes is negative: " + maxExpandedBytes);
            }
            if (maxCompressionRatio < 1) {
                throw new IllegalArgumentException("maxCompressionRatio is below 1: " + maxCompressionRatio
                        + "; even a stored (uncompressed) archive expands 1 to 1");
            }
        }
    }

    /**
     * Writes every regular file under {@code directory} to {@code out} as a deterministic ZIP:
     * entries sorted by relative path, one fixed timestamp, DEFLATED, no directory entries.
     * Refuses symbolic links and special files, naming them. Does not close {@code out}.
     */
    public static void pack(Path directory, OutputStream out) throws IOException {
        requireNonNull(directory, "directory is null");
        requireNonNull(out, "out is null");
        if (!Files.isDirectory(directory)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    directory + " is not a directory; pass the model's directory, or upload a single file"
                            + " with packaging 'file'",
                    "directory");
        }
        // The directory the user named may itself be reached through a link (e.g. /tmp on macOS);
        // only links inside it are refused.
        Path root = directory.toRealPath();
        Map<String, Path> files = listRegularFiles(root);
        try (ZipOutputStream zip = new ZipOutputStream(new KeepOpenOutputStream(out), UTF_8)) {
            zip.setMethod(ZipOutputStream.DEFLATED);
            zip.setLevel(Deflater.DEFAULT_COMPRESSION);
            for (Map.Entry<String, Path> file : files.entrySet()) {
                ZipEntry entry = new ZipEntry(file.getKey());
                entry.setTimeLocal(ENTRY_TIME);
                zip.putNextEntry(entry);
                // NOFOLLOW_LINKS: a file swapped for a link after the listing must not be followed.
                try (InputStream in = Files.newInputStream(file.getValue(), LinkOption.NOFOLLOW_LINKS)) {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
    }

    /**
     * Reads the whole archive, checking every entry name, the archive's integrity and the
     * {@link Limits#DEFAULT default limits}, and returns the entry names in archive order
     * (directory entries keep their trailing {@code '/'}). Throws {@code UNSAFE_ARCHIVE} naming the
     * first bad entry or the limit passed. Does not close {@code zip}.
     */
    public static List<String> validate(InputStream zip) throws IOException {
        return validate(zip, Limits.DEFAULT);
    }

    /** Like {@link #validate(InputStream)} with explicit limits, checked as the archive streams by. */
    public static List<String> validate(InputStream zip, Limits limits) throws IOException {
        requireNonNull(zip, "zip is null");
        requireNonNull(limits, "limits is null");
        List<String> names = new ArrayList<>();
        try (CheckedEntries entries = new CheckedEntries(zip, limits)) {
            for (ZipEntry entry = entries.next(); entry != null; entry = entries.next()) {
                entries.copyEntryTo(OutputStream.nullOutputStream());
                names.add(entry.getName());
            }
        }
        return List.copyOf(names);
    }

    /**
     * Extracts the archive into {@code targetDirectory}, which must not exist yet (its parent is
     * created if needed). Entries are checked as in {@link #validate} and written to a hidden
     * sibling directory that is renamed to {@code targetDirectory} only once every entry is in
     * place, so a failure leaves no target and a reader never sees half a model. The
     * {@link Limits#DEFAULT default limits} are checked before each write, so an archive that
     * passes one is refused with no more than the limit on disk, and then nothing. Does not close
     * {@code zip}.
     */
    public static void extract(InputStream zip, Path targetDirectory) throws IOException {
        extract(zip, targetDirectory, Limits.DEFAULT);
    }

    /** Like {@link #extract(InputStream, Path)} with explicit limits. */
    public static void extract(InputStream zip, Path targetDirectory, Limits limits) throws IOException {
        requireNonNull(zip, "zip is null");
        requireNonNull(targetDirectory, "targetDirectory is null");
        requireNonNull(limits, "limits is null");
        Path target = targetDirectory.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "cannot extract into the file system root; choose a new directory below it", "targetDirectory");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw targetExists(target);
        }
        Files.createDirectories(parent);
        // Created with the default permissions, unlike Files.createTempDirectory's owner-only ones,
        // because this directory becomes the target itself.
        Path staging = Files.createDirectory(
                parent.resolve("." + target.getFileName() + ".extracting-" + UUID.randomUUID()));
        try {
            try (CheckedEntries entries = new CheckedEntries(zip, limits)) {
                for (ZipEntry entry = entries.next(); entry != null; entry = entries.next()) {
                    writeEntry(entries, entry, staging);
                }
            }
            moveIntoPlace(staging, target);
        } catch (Throwable failure) {
            deleteRecursively(staging, failure);
            throw failure;
        }
    }

    /** Why {@code name} can't be an entry of a model archive, or null if it can. */
    static String problemWith(String name) {
        if (name.isEmpty()) {
            return "has an empty name";
        }
        if (name.indexOf('\0') >= 0) {
            return "has a NUL character in its name";
        }
        if (name.indexOf('\\') >= 0) {
            return "has a backslash, which Windows reads as a directory separator";
        }
        if (name.startsWith("/")) {
            return "is an absolute path";
        }
        if (DRIVE_LETTER.matcher(name).lookingAt()) {
            return "starts with a drive letter";
        }
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                return "has a '..' segment, which would write outside the model directory";
            }
            if (segment.isEmpty() || segment.equals(".")) {
                return "has an empty or '.' segment, so it names the same file as a shorter path";
            }
        }
        return null;
    }

    private static Map<String, Path> listRegularFiles(Path root) throws IOException {
        // Sorted by entry name (not by Path, whose order depends on the platform) for determinism.
        Map<String, Path> files = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = entryName(root, file);
                if (attributes.isSymbolicLink()) {
                    throw refusedFile(root, name, "is a symbolic link; archives hold regular files only, so a"
                            + " model can't reach outside its directory: replace the link with a copy of its target");
                }
                if (!attributes.isRegularFile()) {
                    throw refusedFile(root, name, "is not a regular file (a device, pipe or socket);"
                            + " remove it from the model directory");
                }
                String problem = problemWith(name);
                if (problem != null) {
                    throw refusedFile(root, name, problem + "; rename it");
                }
                files.put(name, file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                throw failure;
            }
        });
        return files;
    }

    private static String entryName(Path root, Path file) {
        StringBuilder name = new StringBuilder();
        for (Path element : root.relativize(file)) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(element);
        }
        return name.toString();
    }

    private static CarraraException refusedFile(Path root, String name, String problem) {
        return new CarraraException(INVALID_ARGUMENT,
                "cannot archive '" + name + "' in " + root + ": it " + problem, "directory");
    }

    private static void writeEntry(CheckedEntries entries, ZipEntry entry, Path staging) throws IOException {
        String name = entry.getName();
        Path destination;
        try {
            destination = staging.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw unsafe("archive entry '" + name + "' is not a valid file name on this system; rename it and "
                    + REPACK);
        }
        // The name checks already rule out every way out of the directory; this is the last line
        // of defence should they ever miss one.
        if (!destination.startsWith(staging) || destination.equals(staging)) {
            throw unsafe("archive entry '" + name + "' would be written outside the target directory; " + REPACK);
        }
        try {
            if (entry.isDirectory()) {
                Files.createDirectories(destination);
                // A directory entry should hold no bytes; any it has still count against the limit.
                entries.copyEntryTo(OutputStream.nullOutputStream());
            } else {
                Files.createDirectories(destination.getParent());
                try (OutputStream out = Files.newOutputStream(destination,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    entries.copyEntryTo(out);
                }
            }
        } catch (FileAlreadyExistsException e) {
            // Names that differ only in case collide on case-insensitive file systems (macOS, Windows).
            throw unsafe("archive entry '" + name + "' collides with another entry on this file system"
                    + " (names that differ only in case?); rename one of them and " + REPACK);
        }
    }

    private static void moveIntoPlace(Path staging, Path target) throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Someone created the target while we were extracting.
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw targetExists(target);
            }
            throw e;
        }
    }

    private static CarraraException targetExists(Path target) {
        return new CarraraException(ALREADY_EXISTS,
                "cannot extract into " + target + ": it already exists; extract into a new directory or delete"
                        + " this one first",
                "targetDirectory");
    }

    private static void deleteRecursively(Path directory, Throwable failure) {
        try {
            FileTrees.delete(directory);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static CarraraException unsafe(String message) {
        return new CarraraException(UNSAFE_ARCHIVE, message, FIELD);
    }

    /**
     * Walks the entries of a ZIP stream, refusing unsafe names, duplicates, file/directory
     * conflicts, too many entries, too many bytes, too high a compression ratio and damaged data.
     * Entries come from the local headers in stream order, so validation and extraction see
     * exactly the same entries.
     */
    private static final class CheckedEntries implements AutoCloseable {
        private final ZipInputStream zip;
        // ZipInputStream doesn't say how many compressed bytes it has consumed (an entry's
        // compressed size may only come after its data), so count them underneath it. The count
        // runs at most one of its 512-byte reads ahead, and includes headers.
        private final CountingInputStream compressed;
        private final Limits limits;
        private final Set<String> names = new HashSet<>();
        private final Set<String> files = new HashSet<>();
        private final Set<String> directories = new HashSet<>();
        private final byte[] buffer = new byte[64 * 1024];
        private String currentName;
        private long expandedBytes;

        CheckedEntries(InputStream in, Limits limits) throws IOException {
            this.limits = limits;
            PushbackInputStream peekable = new PushbackInputStream(new KeepOpenInputStream(in), 4);
            byte[] signature = peekable.readNBytes(4);
            // ZipInputStream reports any stream without a ZIP signature as an empty archive, so a
            // text file would pass as an empty model; check the signature ourselves.
            if (!isZipSignature(signature)) {
                throw unsafe("the artifact is not a ZIP archive; upload a model directory packed with"
                        + " ModelArchive.pack, or a single file with packaging 'file'");
            }
            peekable.unread(signature);
            this.compressed = new CountingInputStream(peekable);
            this.zip = new ZipInputStream(compressed, UTF_8);
        }

        /** The next entry, its name checked, or null after the last one. */
        ZipEntry next() throws IOException {
            ZipEntry entry;
            try {
                entry = zip.getNextEntry();
            } catch (ZipException | EOFException e) {
                throw damaged(e);
            } catch (IllegalArgumentException e) {
                // ZipInputStream's way of saying a name is not valid UTF-8.
                throw unsafe("an archive entry after " + describeCurrent() + " has a name that is not valid UTF-8;"
                        + " rename the file and " + REPACK);
            }
            if (entry == null) {
                return null;
            }
            if (names.size() >= limits.maxEntries()) {
                throw unsafe("the archive has more than " + limits.maxEntries() + " entries; a model directory"
                        + " this large should be split or packed into fewer files");
            }
            String name = entry.getName();
            currentName = name;
            String problem = problemWith(name);
            if (problem != null) {
                throw unsafe("archive entry '" + name + "' " + problem + "; " + REPACK);
            }
            if (!names.add(name)) {
                throw unsafe("archive entry '" + name + "' appears twice; " + REPACK);
            }
            checkPlacement(name, entry.isDirectory());
            return entry;
        }

        /**
         * Copies the current entry's bytes to {@code out}, checking the limits before each write
         * so that a refused archive has put at most the limit on disk.
         */
        void copyEntryTo(OutputStream out) throws IOException {
            while (true) {
                int read;
                try {
                    read = zip.read(buffer);
                } catch (ZipException | EOFException e) {
                    throw damaged(e);
                }
                if (read < 0) {
                    return;
                }
                expandedBytes += read;
                if (expandedBytes > limits.maxExpandedBytes()) {
                    throw unsafe("the archive expands to more than " + limits.maxExpandedBytes() + " bytes"
                            + " (passed in entry '" + currentName + "'); check that it is the model you meant"
                            + " to upload, or ask the server's operator to raise limits.archive.maxExpandedBytes");
                }
                // Whole-archive rather than per entry: it bounds what the upload costs on disk,
                // whatever mix of entries carries it.
                if (expandedBytes > Limits.RATIO_GRACE_BYTES
                        && expandedBytes > (double) limits.maxCompressionRatio() * compressed.count()) {
                    throw unsafe("the archive expands more than " + limits.maxCompressionRatio() + " times"
                            + " its compressed size (" + expandedBytes + " bytes from " + compressed.count()
                            + " by entry '" + currentName + "'), as a ZIP bomb does; Spark models compress"
                            + " far less, so check that it is the model you meant to upload, or ask the"
                            + " server's operator to raise limits.archive.maxCompressionRatio");
                }
                out.write(buffer, 0, read);
            }
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }

        private void checkPlacement(String name, boolean isDirectory) {
            String path = isDirectory ? name.substring(0, name.length() - 1) : name;
            if (isDirectory ? files.contains(path) : directories.contains(path)) {
                throw conflict(name, path);
            }
            (isDirectory ? directories : files).add(path);
            for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                String parent = path.substring(0, slash);
                if (files.contains(parent)) {
                    throw conflict(name, parent);
                }
                directories.add(parent);
            }
        }

        private CarraraException conflict(String name, String path) {
            return unsafe("archive entry '" + name + "' needs '" + path + "' to be both a file and a directory;"
                    + " remove one of them and " + REPACK);
        }

        private CarraraException damaged(IOException cause) {
            return new CarraraException(UNSAFE_ARCHIVE,
                    "the archive is truncated or damaged at " + describeCurrent() + " (" + cause.getMessage()
                            + "); upload it again, or " + REPACK,
                    FIELD, cause);
        }

        private String describeCurrent() {
            return currentName == null ? "its start" : "entry '" + currentName + "'";
        }

        private static boolean isZipSignature(byte[] signature) {
            // "PK\3\4" opens a local file header; "PK\5\6" is the end record of an empty archive.
            return signature.length == 4 && signature[0] == 'P' && signature[1] == 'K'
                    && ((signature[2] == 3 && signature[3] == 4) || (signature[2] == 5 && signature[3] == 6));
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int read = in.read(bytes, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public boolean markSupported() {
            // A reset would count bytes twice.
            return false;
        }
    }

    /** Lets us close our ZIP stream, releasing its native inflater or deflater, without closing the caller's. */
    private static final class KeepOpenInputStream extends FilterInputStream {
        KeepOpenInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() {}
    }

    private static final class KeepOpenOutputStream extends FilterOutputStream {
        KeepOpenOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            // FilterOutputStream writes one byte at a time by default.
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
