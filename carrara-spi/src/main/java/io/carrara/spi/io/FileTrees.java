package io.carrara.spi.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removing folder trees, for every module that stages, extracts or caches files:
 * <pre>{@code
 * FileTrees.delete(staging);           // the folder and all it holds; nothing when it is gone already
 * FileTrees.deleteContents(scratch);   // what the folder holds; the folder stays
 * }</pre>
 * Links are removed as links, never followed, so a link inside a tree cannot make a delete reach outside it. A file
 * that disappears meanwhile (another cleaner) is not an error; anything else that cannot be removed is, after the
 * rest was tried.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code root} and everything under it; nothing when {@code root} does not exist. */
    public static void delete(Path root) throws IOException {
        requireNonNull(root, "root is null");
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw failure;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null && !(failure instanceof NoSuchFileException)) {
                    throw failure;
                }
                Files.deleteIfExists(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes everything {@code directory} holds and keeps the directory; nothing when it does not exist. */
    public static void deleteContents(Path directory) throws IOException {
        requireNonNull(directory, "directory is null");
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                delete(child);
            }
        }
    }
}
