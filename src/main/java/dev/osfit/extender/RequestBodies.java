package dev.osfit.extender;

import dev.osfit.config.OsfitProperties;
import dev.osfit.kube.BadRequestException;
import io.netty.channel.ChannelException;
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
        return bytes(request, maxBytes)
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
                .flatMap(b -> b.length > OFFLOAD_BYTES ? Mono.just(b).publishOn(Schedulers.parallel()) : Mono.just(b));
    }

    /** Reactor Netty's request timeout (a package-private ChannelException) or a read timeout. */
    private static boolean requestTimedOut(Throwable error) {
        return error instanceof ReadTimeoutException
                || (error instanceof ChannelException && "Request timed out".equals(error.getMessage()));
    }

    private BadRequestException tooLarge() {
        return new BadRequestException("request body exceeds osfit.max-request-size (" + maxBytes + " bytes)");
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

    static Mono<ServerResponse> json(byte[] body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    /**
     * Maps failures to answers: 400 with the reason for bad input, 408 for a request that did not
     * arrive in time, 503 before the index is ready or when memory ran out, 500 for anything else.
     */
    public static Mono<ServerResponse> failure(String verb, Throwable error) {
        if (requestTimedOut(error)) {
            log.debug("{}: request body not received within osfit.request-read-timeout", verb);
            return ServerResponse.status(HttpStatus.REQUEST_TIMEOUT).contentType(MediaType.APPLICATION_JSON)
                    .header("Connection", "close")
                    .bodyValue(ExtenderEncoder.error("request body not received within osfit.request-read-timeout"));
        }
        if (error instanceof IndexNotReadyException notReady) {
            return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(ExtenderEncoder.error(notReady.getMessage()));
        }
        if (error instanceof NoMemoryException) {
            log.error("{}: out of memory while answering a request: answered 503 and closed its connection "
                    + "(raise the heap, or lower osfit.max-request-size)", verb);
            return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_JSON)
                    .header("Connection", "close").bodyValue(ExtenderEncoder.error(error.getMessage()));
        }
        if (error instanceof BadRequestException bad) {
            log.debug("{}: bad request: {}", verb, bad.getMessage());
            return ServerResponse.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(ExtenderEncoder.error(bad.getMessage()));
        }
        log.error("{}: internal error", verb, error);
        return ServerResponse.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(MediaType.APPLICATION_JSON)
                // The log has the details; the answer names no internals.
                .bodyValue(ExtenderEncoder.error("osfit internal error (details in osfit's log)"));
    }
}
