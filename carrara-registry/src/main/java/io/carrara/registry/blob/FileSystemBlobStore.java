package io.carrara.registry.blob;

import static io.carrara.spi.error.StandardErrorCode.NOT_FOUND;
import static io.carrara.spi.error.StandardErrorCode.UNAVAILABLE;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.blob.BlobDigests;
import io.carrara.spi.blob.BlobStore;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.blob.VerifyingInputStream;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Blobs as files under a local (or shared network) directory, the default store:
 * {@code <root>/sha256/ab/cd/abcd…} for a blob whose SHA-256 starts with {@code abcd}. Uploads go
 * to {@code <root>/tmp} first and are renamed into place once hashed, so a blob file is always
 * complete.
 */
public final class FileSystemBlobStore implements BlobStore {
    /**
     * A temporary file older than this was left by a crash, not by an upload in progress. An upload
     * of a large artifact over a slow link can take many minutes, and another server sharing the
     * directory may be writing right now, so only clearly abandoned files are removed.
     */
    static final Duration ABANDONED_AFTER = Duration.ofHours(1);

    private static final Pattern TWO_HEX_DIGITS = Pattern.compile("[0-9a-f]{2}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final Path blobs;
    private final Path temporary;

    /** Opens (creating if needed) the store under {@code root}. */
    public FileSystemBlobStore(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.blobs = this.root.resolve("sha256");
        this.temporary = this.root.resolve("tmp");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(temporary);
            deleteAbandonedTemporaryFiles(Instant.now().minus(ABANDONED_AFTER));
        } catch (IOException e) {
            throw new CarraraException(UNAVAILABLE,
                    "blob directory " + this.root + " is not usable (" + e + "); check that it is a directory"
                            + " the server's user can write, or configure another one",
                    "root", e);
        }
    }

    @Override
    public StoredBlob put(InputStream content, long maxBytes) throws IOException {
        requireNonNull(content, "content is null");
        Path file = Files.createTempFile(temporary, "upload-", ".tmp");
        boolean published = false;
        try {
            HashedContent hashed;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                hashed = HashedContent.copy(content, Channels.newOutputStream(channel), maxBytes);
                // The metadata that will point at this blob is committed right after we return; the
                // bytes must be on disk by then, or a power cut leaves a reference to a torn file.
                channel.force(true);
            }
            Path destination = pathOf(hashed.sha256());
            if (!Files.exists(destination)) {
                Files.createDirectories(destination.getParent());
                // A concurrent put of the same bytes may win the race; rename replaces its file
                // with identical bytes, which readers holding the old one don't notice.
                Files.move(file, destination, StandardCopyOption.ATOMIC_MOVE);
                published = true;
            }
            return new StoredBlob(hashed.sha256(), hashed.size(), destination.toUri().toString());
        } finally {
            if (!published) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public Optional<StoredBlob> stat(String sha256) throws IOException {
        Path file = pathOf(BlobDigests.checkSha256(sha256));
        try {
            long size = Files.readAttributes(file, BasicFileAttributes.class).size();
            return Optional.of(new StoredBlob(sha256, size, file.toUri().toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        Path file = pathOf(BlobDigests.checkSha256(sha256));
        try {
            return new VerifyingInputStream(Files.newInputStream(file), sha256);
        } catch (NoSuchFileException e) {
            throw new CarraraException(NOT_FOUND,
                    "blob " + sha256 + " is not in " + location() + "; upload the artifact again, or check that"
                            + " the server uses the blob store it was uploaded to",
                    "sha256");
        }
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        // Empty ab/cd directories are kept: removing one could race with a put about to rename into it.
        return Files.deleteIfExists(pathOf(BlobDigests.checkSha256(sha256)));
    }

    @Override
    public void forEach(Consumer<String> sha256Consumer) throws IOException {
        requireNonNull(sha256Consumer, "sha256Consumer is null");
        Files.walkFileTree(blobs, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                int depth = blobs.relativize(directory).getNameCount();
                if (directory.equals(blobs) || depth <= 2
                        && TWO_HEX_DIGITS.matcher(directory.getFileName().toString()).matches()) {
                    return FileVisitResult.CONTINUE;
                }
                return FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = file.getFileName().toString();
                // Only files at their own address count; anything else here is not ours to collect.
                if (attributes.isRegularFile() && SHA256.matcher(name).matches() && file.equals(pathOf(name))) {
                    sha256Consumer.accept(name);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted while we walked
                }
                throw failure;
            }
        });
    }

    @Override
    public String location() {
        return root.toUri().toString();
    }

    @Override
    public String toString() {
        return "FileSystemBlobStore[" + root + "]";
    }

    private Path pathOf(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    private void deleteAbandonedTemporaryFiles(Instant cutoff) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(temporary)) {
            for (Path file : files) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isRegularFile() && attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(file);
                    }
                } catch (NoSuchFileException e) {
                    // Another server cleaned it first.
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
    }
}
