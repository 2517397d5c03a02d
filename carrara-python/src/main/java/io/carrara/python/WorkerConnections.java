package io.carrara.python;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The calls to one worker over its Unix domain socket, in the frames of {@code carrara.wire} (python/src/carrara/wire.py):
 * an 8-byte header (method or status, protocol version 1, two zero bytes, the payload's length as an unsigned big-endian
 * int) and the payload, one call at a time per connection. Connections are opened as calls need them, at most
 * {@value #MAX_CONNECTIONS} at once (the worker runs one predict at a time; a few connections let it decode and encode
 * beside it), and kept for the next call; further calls wait for one, within their deadline. A call that fails on its
 * connection closes it. Thread-safe.
 *
 * <p>A plain socket rather than gRPC: a call costs two small writes and reads instead of an HTTP/2 exchange through
 * grpcio's thread pool on the worker's side (0.5–0.9 ms a call there, docs/benchmarks.md), and a model's environment
 * no longer needs grpcio, whose pins could clash with the model's own.
 */
final class WorkerConnections implements AutoCloseable {
    static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
    static final byte PREDICT = 1;
    static final byte HEALTH = 2;

    private static final byte VERSION = 1;
    private static final int HEADER_BYTES = 8;
    private static final String[] STATUS_NAMES = {"OK", "INVALID_ARGUMENT", "FAILED_PRECONDITION", "INTERNAL", "BAD_FRAME"};
    static final int MAX_CONNECTIONS = 4;

    /** Closes the connection of a call past its deadline, which ends its blocked read. One daemon thread for the JVM. */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private final Path socket;
    private final Deque<SocketChannel> idle = new ArrayDeque<>();
    private final Semaphore permits = new Semaphore(MAX_CONNECTIONS, true);
    private boolean closed;

    WorkerConnections(Path socket) {
        this.socket = requireNonNull(socket, "socket is null");
    }

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "carrara-python-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** How a call failed. */
    enum Failure {
        /** The worker answered with an error status: the request or the model's answer was refused; the worker is fine. */
        REFUSED,
        /** No answer within the deadline. */
        TIMEOUT,
        /** Every connection stayed busy with other calls for the whole deadline: the worker is overloaded, not stuck. */
        BUSY,
        /** The worker cannot be reached or hung up: it died or is dying. */
        GONE,
        /** The calling thread was interrupted (a cancelled task); nothing is known to be wrong with the worker. */
        INTERRUPTED
    }

    static final class CallException extends Exception {
        private static final long serialVersionUID = 1L;
        final Failure failure;
        final String status;

        CallException(Failure failure, String status, String message) {
            super(message);
            this.failure = failure;
            this.status = status;
        }
    }

    /**
     * One call: the answer's payload, or a {@link CallException} saying how it failed. {@code deadline} bounds the wait for
     * a free connection ({@link Failure#BUSY}) and, again, the call on it ({@link Failure#TIMEOUT}).
     */
    byte[] call(byte method, byte[] request, Duration deadline) throws CallException {
        if (request.length > MAX_PAYLOAD_BYTES) {
            throw new CallException(Failure.REFUSED, "BAD_FRAME", "a request of " + request.length + " bytes, over the "
                    + MAX_PAYLOAD_BYTES + " a worker takes");
        }
        try {
            if (!permits.tryAcquire(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new CallException(Failure.BUSY, "RESOURCE_EXHAUSTED", "all " + MAX_CONNECTIONS + " connections to the"
                        + " worker stayed busy for " + deadline.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallException(Failure.INTERRUPTED, "CANCELLED", "the call was interrupted");
        }
        try {
            // The deadline counts from the call's start on its connection: it is there to catch a worker that does not
            // answer, and a call that waited for a connection says nothing about that.
            return callOnce(method, request, deadline);
        } finally {
            permits.release();
        }
    }

    private byte[] callOnce(byte method, byte[] request, Duration deadline) throws CallException {
        SocketChannel channel = borrow();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
            timedOut.set(true);
            closeQuietly(channel);
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        boolean reusable = false;
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(method).put(VERSION).putShort((short) 0)
                    .putInt(request.length).flip();
            ByteBuffer[] frame = {header, ByteBuffer.wrap(request)};
            while (frame[1].hasRemaining() || frame[0].hasRemaining()) {
                channel.write(frame);
            }
            ByteBuffer answerHeader = readFully(channel, ByteBuffer.allocate(HEADER_BYTES));
            int status = answerHeader.get(0) & 0xff;
            int version = answerHeader.get(1) & 0xff;
            long length = Integer.toUnsignedLong(answerHeader.getInt(4));
            if (version != VERSION || length > MAX_PAYLOAD_BYTES) {
                throw new IOException("the worker answered with a broken frame (version " + version + ", " + length
                        + " bytes); is its carrara package of another version than the server's?");
            }
            byte[] payload = new byte[(int) length];
            readFully(channel, ByteBuffer.wrap(payload));
            if (!timer.cancel(false)) {
                throw new IOException("deadline");   // the timer fired as the answer arrived: the connection is closed
            }
            reusable = status != 4;                  // after BAD_FRAME the worker hangs up
            if (status != 0) {
                String name = status < STATUS_NAMES.length ? STATUS_NAMES[status] : "status " + status;
                throw new CallException(Failure.REFUSED, name, new String(payload, StandardCharsets.UTF_8));
            }
            return payload;
        } catch (ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new CallException(Failure.INTERRUPTED, "CANCELLED", "the call was interrupted");
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new CallException(Failure.TIMEOUT, "DEADLINE_EXCEEDED", "no answer within " + deadline.toMillis() + " ms");
            }
            throw new CallException(Failure.GONE, "UNAVAILABLE", describe(e));
        } finally {
            timer.cancel(false);
            if (reusable && channel.isOpen()) {
                giveBack(channel);
            } else {
                closeQuietly(channel);
            }
        }
    }

    private String describe(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.io.EOFException || message == null) {
            return "the worker hung up on " + socket.getFileName();
        }
        return message;
    }

    private static ByteBuffer readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new java.io.EOFException();
            }
        }
        return buffer;
    }

    private SocketChannel borrow() throws CallException {
        synchronized (idle) {
            if (closed) {
                throw new CallException(Failure.GONE, "UNAVAILABLE", "the worker's connections are closed");
            }
            SocketChannel channel = idle.pollFirst();
            if (channel != null) {
                return channel;
            }
        }
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
            return channel;
        } catch (ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new CallException(Failure.INTERRUPTED, "CANCELLED", "the call was interrupted");
        } catch (IOException e) {
            throw new CallException(Failure.GONE, "UNAVAILABLE", "cannot connect to " + socket.getFileName() + ": " + e.getMessage());
        }
    }

    private void giveBack(SocketChannel channel) {
        synchronized (idle) {
            if (!closed) {
                idle.addFirst(channel);
                return;
            }
        }
        closeQuietly(channel);
    }

    /** Closes the idle connections; calls under way end with {@link Failure#GONE} when the worker goes. */
    @Override
    public void close() {
        synchronized (idle) {
            closed = true;
            idle.forEach(WorkerConnections::closeQuietly);
            idle.clear();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is all that was wanted.
        }
    }
}
