package io.carrara.client;

import static java.util.Objects.requireNonNull;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** Passes a request body through unchanged and reports how many bytes the HTTP client has taken. */
final class CountingBodyPublisher implements HttpRequest.BodyPublisher {
    private final HttpRequest.BodyPublisher body;
    private final TransferProgress progress;

    CountingBodyPublisher(HttpRequest.BodyPublisher body, TransferProgress progress) {
        this.body = requireNonNull(body, "body is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    @Override
    public long contentLength() {
        return body.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        // The count lives in the subscription: if the HTTP client resends the body, it starts over.
        body.subscribe(new Flow.Subscriber<ByteBuffer>() {
            private long sent;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                int size = item.remaining();
                subscriber.onNext(item);
                sent += size;
                progress.accept(sent);
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
    }
}
