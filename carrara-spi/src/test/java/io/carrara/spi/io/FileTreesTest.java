package io.carrara.spi.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path temp;

    private Path tree(Path root) throws IOException {
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("top.txt"), "1");
        Files.writeString(root.resolve("a/b/c/deep.txt"), "2");
        Files.createDirectories(root.resolve("empty"));
        return root;
    }

    @Test
    void deletesATreeAndLinksAsLinksNeverWhatTheyPointTo() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "kept");
        Path root = tree(temp.resolve("root"));
        Files.createSymbolicLink(root.resolve("a/link"), outside);
        Files.createSymbolicLink(root.resolve("dangling"), temp.resolve("nowhere"));

        FileTrees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("kept");
    }

    @Test
    void aMissingTreeIsLeftAloneAndALinkedRootIsRemovedAsALink() throws IOException {
        FileTrees.delete(temp.resolve("never-was"));
        FileTrees.deleteContents(temp.resolve("never-was"));

        Path target = tree(temp.resolve("target"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), target);
        FileTrees.delete(link);
        assertThat(link).doesNotExist();
        assertThat(target.resolve("a/b/c/deep.txt")).exists();
    }

    @Test
    void deletesWhatAFolderHoldsAndKeepsIt() throws IOException {
        Path root = tree(temp.resolve("scratch"));
        FileTrees.deleteContents(root);
        assertThat(root).isEmptyDirectory();
    }
}
