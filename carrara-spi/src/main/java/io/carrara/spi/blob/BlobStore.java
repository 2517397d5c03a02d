package io.carrara.spi.blob;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Content-addressed storage for model artifacts. A blob's key is the SHA-256 of its bytes, so the
 * same artifact is stored once and a blob never changes after it is written.
 *
 * <pre>{@code
 * StoredBlob blob = store.put(in, maxBytes);      // streams, hashes, then publishes atomically
 * try (InputStream data = store.open(blob.sha256())) { ... }  // fails at EOF if the bytes changed
 * }</pre>
 *
 * Implementations must be safe for concurrent use and must never expose a partially written blob:
 * a failed or oversized {@code put} leaves nothing behind.
 */
public interface BlobStore extends Closeable {

    /**
     * Streams {@code content} into the store and returns its content address. Reads at most
     * {@code maxBytes}; more fails with {@code PAYLOAD_TOO_LARGE} and stores nothing.
     */
    StoredBlob put(InputStream content, long maxBytes) throws IOException;

    /** The blob's metadata, or empty if no blob has this address. */
    Optional<StoredBlob> stat(String sha256) throws IOException;

    /**
     * Opens a blob for reading. The stream verifies the bytes against the address as they are
     * read and fails with {@code BLOB_CORRUPTED} at the end if they differ.
     */
    InputStream open(String sha256) throws IOException;

    /** Removes a blob; returns false if there was none. Used by garbage collection only. */
    boolean delete(String sha256) throws IOException;

    /** Visits the address of every stored blob, for garbage collection. */
    void forEach(Consumer<String> sha256Consumer) throws IOException;

    /** A human-readable location, e.g. {@code file:///home/me/.carrara/blobs} or {@code s3://bucket/prefix}. */
    String location();

    @Override
    default void close() throws IOException {}
}
