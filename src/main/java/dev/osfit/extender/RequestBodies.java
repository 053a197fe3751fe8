package dev.osfit.extender;

import dev.osfit.config.OsfitProperties;
import dev.osfit.kube.BadRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.timeout.ReadTimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Reading request bodies and writing answers, shared by the verb handlers: the body limit
 * (osfit.max-request-size), 400 for what cannot be read, 500 for osfit's own failures.
 */
@Component
public final class RequestBodies {

    private static final Logger log = LoggerFactory.getLogger(RequestBodies.class);

    /**
     * Bodies above this are decoded and matched on the parallel scheduler rather than the event loop
     * that received them: a full NodeList takes milliseconds to scan, a names-only request microseconds.
     */
    static final int OFFLOAD_BYTES = 256 * 1024;

    private final long maxBytes;

    RequestBodies(OsfitProperties properties) {
        this.maxBytes = properties.maxRequestSize().toBytes();
    }

    /** The whole body, or a {@link BadRequestException} when it is over the limit. */
    Mono<byte[]> read(ServerRequest request) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            return Mono.error(tooLarge());
        }
        return offloadLarge(bytes(request, maxBytes).onErrorMap(DataBufferLimitException.class, e -> tooLarge()));
    }

    /**
     * The whole body straight from Reactor Netty (the webhook's port), offloaded when large: each buffer
     * is copied into one array as it arrives, and released by Reactor Netty after; past the limit the
     * read stops with a {@link BadRequestException}.
     */
    public static Mono<byte[]> read(HttpServerRequest request, long maxBytes) {
        return offloadLarge(receive(request, maxBytes).map(Collected::bytes));
    }

    /** The body as received, not yet offloaded: the verbs take it from here in one step. */
    Mono<Collected> receive(HttpServerRequest request) {
        return receive(request, maxBytes);
    }

    private static Mono<Collected> receive(HttpServerRequest request, long maxBytes) {
        String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return Mono.error(new BadRequestException("Content-Length is not a number"));
            }
        }
        if (declared > maxBytes) {
            return Mono.error(tooLarge(maxBytes));
        }
        int expected = (int) Math.min(Math.max(0, declared), Integer.MAX_VALUE - 8);
        return request.receive().collect(() -> new Collected(expected), (c, buffer) -> add(c, buffer, maxBytes));
    }

    /**
     * A body being received. Memory follows the bytes that arrived, not the length a sender declared: a
     * declared length is trusted up to {@value #TRUSTED_LENGTH} bytes, beyond that the array doubles as
     * the body comes (and a chunked body starts small).
     */
    static final class Collected {
        static final int TRUSTED_LENGTH = 1 << 20;
        private final int expected;
        private byte[] bytes;
        private int size;
        /** Memory ran out: the rest is read and dropped, so that the sender, still sending, gets the 503. */
        private boolean noMemory;

        Collected(int expected) {
            this.expected = expected;
        }

        byte[] bytes() {
            if (noMemory) {
                throw new NoMemoryException();
            }
            return bytes == null ? new byte[0] : size == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, size);
        }
    }

    /** Copies one received buffer (Reactor Netty releases it after); past the limit, the read stops with a 400. */
    private static void add(Collected c, ByteBuf buffer, long maxBytes) {
        int n = buffer.readableBytes();
        if ((long) c.size + n > maxBytes) {
            throw tooLarge(maxBytes);
        }
        if (c.noMemory) {
            c.size += n;
            return;
        }
        try {
            if (c.bytes == null) {
                c.bytes = new byte[Math.max(n, c.expected > 0 ? Math.min(c.expected, Collected.TRUSTED_LENGTH) : 8192)];
            } else if (c.size + n > c.bytes.length) {
                long grown = Math.min(Math.max(c.size + n, 2L * c.bytes.length), Integer.MAX_VALUE - 8);
                c.bytes = java.util.Arrays.copyOf(c.bytes, (int) Math.min(grown, c.expected > c.size + n ? c.expected : maxBytes));
            }
        } catch (OutOfMemoryError e) {
            c.bytes = null;
            c.noMemory = true;
            c.size += n;
            return;
        }
        buffer.getBytes(buffer.readerIndex(), c.bytes, c.size, n);
        c.size += n;
    }

    private static Mono<byte[]> offloadLarge(Mono<byte[]> body) {
        return body.flatMap(b -> next(b, Mono::just));
    }

    /** The next step for a body: on this thread, or on the parallel scheduler when it is over {@link #OFFLOAD_BYTES}. */
    static <T> Mono<T> next(byte[] body, Function<byte[], Mono<T>> step) {
        return body.length > OFFLOAD_BYTES ? Mono.just(body).publishOn(Schedulers.parallel()).flatMap(step) : step.apply(body);
    }

    /** Reactor Netty's request timeout (a package-private ChannelException) or a read timeout. */
    private static boolean requestTimedOut(Throwable error) {
        return error instanceof ReadTimeoutException
                || (error instanceof ChannelException && "Request timed out".equals(error.getMessage()));
    }

    private BadRequestException tooLarge() {
        return tooLarge(maxBytes);
    }

    private static TooLargeException tooLarge(long maxBytes) {
        return new TooLargeException("request body exceeds osfit.max-request-size (" + maxBytes + " bytes)");
    }

    /** A body over the limit: 400 on the extender's verbs (as always), 413 on the webhook's port. */
    public static final class TooLargeException extends BadRequestException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /**
     * The whole body as one array (empty when there is none), or a {@link DataBufferLimitException} past
     * {@code maxBytes}: for every handler that must hold a body, the webhook's too.
     */
    public static Mono<byte[]> bytes(ServerRequest request, long maxBytes) {
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), (int) Math.min(maxBytes, Integer.MAX_VALUE - 8))
                .map(guarded(buffer -> {
                    try {
                        byte[] out = new byte[buffer.readableByteCount()];
                        buffer.read(out);
                        return out;
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                }))
                .defaultIfEmpty(new byte[0]);
    }

    /** A request that osfit had no memory left for; answered 503, and its connection closed. */
    public static final class NoMemoryException extends RuntimeException {
        NoMemoryException() {
            super("osfit has no memory left for this request", null, false, false);
        }
    }

    /**
     * The step, with an {@link OutOfMemoryError} turned into a {@link NoMemoryException}. Reactor treats an
     * OutOfMemoryError as fatal and rethrows it on whatever thread runs the step, so the request would
     * never be answered and its connection would stay open; as an ordinary error it is answered 503, and
     * what the step allocated is garbage again. Every step of a request that allocates by its size goes
     * through this.
     */
    public static <T, R> Function<T, R> guarded(Function<T, R> step) {
        return input -> {
            try {
                return step.apply(input);
            } catch (OutOfMemoryError e) {
                throw new NoMemoryException();
            }
        };
    }

    /** What a request is answered: status, JSON body (the protocol's error shape for a failure), and whether its connection is closed. */
    public record Answer(HttpStatus status, byte[] body, boolean close) {

        public static Answer ok(byte[] body) {
            return new Answer(HttpStatus.OK, body, false);
        }
    }

    /** Writes an answer straight to Reactor Netty (the verbs, the webhook's port): JSON with its length, closed when it says so. */
    public static Mono<Void> write(HttpServerResponse response, Answer answer) {
        response.status(answer.status().value())
                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(answer.body().length));
        if (answer.close()) {
            response.keepAlive(false);
        }
        return response.send(Mono.just(Unpooled.wrappedBuffer(answer.body()))).then();
    }

    /** A failure answered through WebFlux (explain, plan, the webhook); the verbs write {@link #failureOf} themselves. */
    public static Mono<ServerResponse> failure(String verb, Throwable error) {
        Answer f = failureOf(verb, error);
        ServerResponse.BodyBuilder answer = ServerResponse.status(f.status()).contentType(MediaType.APPLICATION_JSON);
        if (f.close()) {
            answer.header("Connection", "close");
        }
        return answer.bodyValue(f.body());
    }

    /**
     * Maps failures to answers: 400 with the reason for bad input, 408 for a request that did not
     * arrive in time, 503 before the index is ready or when memory ran out, 500 for anything else.
     */
    public static Answer failureOf(String verb, Throwable error) {
        if (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        if (requestTimedOut(error)) {
            log.debug("{}: request body not received within osfit.request-read-timeout", verb);
            return new Answer(HttpStatus.REQUEST_TIMEOUT, ExtenderEncoder.error("request body not received within osfit.request-read-timeout"), true);
        }
        if (error instanceof IndexNotReadyException notReady) {
            return new Answer(HttpStatus.SERVICE_UNAVAILABLE, ExtenderEncoder.error(notReady.getMessage()), false);
        }
        if (error instanceof NoMemoryException) {
            log.error("{}: out of memory while answering a request: answered 503 and closed its connection "
                    + "(raise the heap, or lower osfit.max-request-size)", verb);
            return new Answer(HttpStatus.SERVICE_UNAVAILABLE, ExtenderEncoder.error(error.getMessage()), true);
        }
        if (error instanceof BadRequestException bad) {
            log.debug("{}: bad request: {}", verb, bad.getMessage());
            return new Answer(HttpStatus.BAD_REQUEST, ExtenderEncoder.error(bad.getMessage()), false);
        }
        log.error("{}: internal error", verb, error);
        // The log has the details; the answer names no internals.
        return new Answer(HttpStatus.INTERNAL_SERVER_ERROR, ExtenderEncoder.error("osfit internal error (details in osfit's log)"), false);
    }
}
