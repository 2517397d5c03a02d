package io.carrara.python;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * gRPC over a Unix domain socket to {@code carrara.worker.v1.Worker}, raw bytes both ways (no protobuf): the
 * payloads are Arrow IPC streams and JSON.
 */
final class WorkerChannels {
    static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    static final String SERVICE = "carrara.worker.v1.Worker";

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> PREDICT = method("Predict");
    static final MethodDescriptor<byte[], byte[]> HEALTH = method("Health");

    private static volatile EventLoopGroup group;

    private WorkerChannels() {}

    private static MethodDescriptor<byte[], byte[]> method(String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    /** One event loop group for every worker channel of the JVM: daemon threads, as many as cores. */
    private static EventLoopGroup group() {
        EventLoopGroup result = group;
        if (result == null) {
            synchronized (WorkerChannels.class) {
                if (group == null) {
                    if (!Epoll.isAvailable()) {
                        throw new IllegalStateException("Unix domain sockets need Linux epoll, which is unavailable here: "
                                + Epoll.unavailabilityCause());
                    }
                    group = new EpollEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                            new DefaultThreadFactory("carrara-python-grpc", true));
                }
                result = group;
            }
        }
        return result;
    }

    static ManagedChannel open(Path socket) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(group())
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
    }

    static byte[] call(ManagedChannel channel, MethodDescriptor<byte[], byte[]> method, byte[] request, Duration deadline) {
        return ClientCalls.blockingUnaryCall(channel, method,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), request);
    }
}
