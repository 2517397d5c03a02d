package io.carrara.client;

import java.util.function.LongConsumer;

/**
 * Follows a blob transfer: {@link #accept} receives the bytes transferred so far, and
 * {@link #start} the total when it becomes known. A lambda {@code bytesSent -> ...} is enough;
 * implement {@code start} too to draw a bar, since the size of a packed directory is known only
 * after packing.
 */
@FunctionalInterface
public interface TransferProgress extends LongConsumer {
    TransferProgress NONE = bytes -> {};

    /** Called once before the first byte with the total size, or -1 when the size is unknown. */
    default void start(long totalBytes) {}

    static TransferProgress of(LongConsumer bytesTransferred) {
        return bytesTransferred instanceof TransferProgress progress ? progress : bytesTransferred::accept;
    }
}
