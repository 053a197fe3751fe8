package dev.osfit.extender;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * What Reactor Netty's own timeouts leave open, on one port: its idle timeout restarts with every byte,
 * so a client that sends a request's headers one byte at a time holds the connection for ever, and
 * nothing limits how many connections are open. This guard closes a connection whose request headers
 * are not complete within {@code headerTimeout} of their first byte, and closes at once any connection
 * beyond {@code maxConnections} open on the port (a connection refused this way costs a file
 * descriptor for microseconds, and kube-scheduler and the API server keep a handful open).
 *
 * <p>On a TLS port it also logs refused handshakes with their reason (at most one line every 10 s, with
 * how many were left out) and counts them ({@code osfit.tls.handshake.failures} by port and reason).
 *
 * <p>Both run on the connection's event loop: the deadline is one scheduled task per request, not per byte.
 */
public final class ConnectionGuard {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    private final String port;
    private final int maxConnections;
    private final long headerTimeoutNanos;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;
    private final Counter headerTimeouts;
    private final MeterRegistry meters;
    private static final long HANDSHAKE_WARN_INTERVAL = TimeUnit.SECONDS.toNanos(10);
    private final java.util.concurrent.atomic.AtomicLong lastHandshakeWarn = new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - HANDSHAKE_WARN_INTERVAL);
    private final AtomicInteger handshakeWarnsSuppressed = new AtomicInteger();

    /**
     * @param port           the port's name in metrics and logs ({@code main}, {@code webhook})
     * @param maxConnections connections open at once on the port; more are closed on accept
     * @param headerTimeout  longest a request's headers may take to arrive, from their first byte
     */
    public ConnectionGuard(String port, int maxConnections, Duration headerTimeout, MeterRegistry meters) {
        this.port = port;
        this.maxConnections = maxConnections;
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.meters = meters;
        Gauge.builder("osfit.connections.open", open, AtomicInteger::get).tag("port", port)
                .description("Connections open on the port").register(meters);
        this.refused = Counter.builder("osfit.connections.closed").tag("port", port).tag("reason", "limit")
                .description("Connections osfit closed: over osfit.max-connections, or request headers slower than osfit.request-read-timeout")
                .register(meters);
        this.headerTimeouts = Counter.builder("osfit.connections.closed").tag("port", port).tag("reason", "header-timeout")
                .description("Connections osfit closed: over osfit.max-connections, or request headers slower than osfit.request-read-timeout")
                .register(meters);
    }

    /** The server with this guard on every connection it accepts. */
    public HttpServer applyTo(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remote) -> init(channel));
    }

    int open() {
        return open.get();
    }

    private void init(Channel channel) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            refused.increment();
            log.debug("{} port: closed a connection from {}: {} connections open (osfit.max-connections)", port, channel.remoteAddress(), maxConnections);
            channel.close();
            return;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(NettyPipeline.SslHandler) != null) {
            pipeline.addAfter(NettyPipeline.SslHandler, "osfit.handshakeLog", new HandshakeLog());
        }
        if (pipeline.get(NettyPipeline.HttpCodec) == null) {
            return; // not an HTTP/1.1 pipeline (none is configured today): the count still applies
        }
        HeaderDeadline deadline = new HeaderDeadline();
        pipeline.addBefore(NettyPipeline.HttpCodec, "osfit.headerDeadline", deadline);
        pipeline.addAfter(NettyPipeline.HttpCodec, "osfit.headerDone", deadline.done);
    }

    /** Handshakes osfit refused (or that failed), by reason, so that an operator sees why a client cannot connect. */
    private final class HandshakeLog extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent done) {
                ctx.pipeline().remove(this);
                if (!done.isSuccess()) {
                    handshakeFailed(ctx.channel(), done.cause());
                }
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    private void handshakeFailed(Channel channel, Throwable cause) {
        String reason = handshakeFailure(cause);
        Counter.builder("osfit.tls.handshake.failures").tag("port", port).tag("reason", reason)
                .description("TLS handshakes that failed, by reason").register(meters).increment();
        long now = System.nanoTime();
        long last = lastHandshakeWarn.get();
        long suppressed = handshakeWarnsSuppressed.incrementAndGet() - 1;
        if (now - last >= HANDSHAKE_WARN_INTERVAL && lastHandshakeWarn.compareAndSet(last, now)) {
            handshakeWarnsSuppressed.set(0);
            log.warn("{} port: TLS handshake with {} failed: {} ({}){}", port, channel.remoteAddress(), reason, rootMessage(cause),
                    suppressed > 0 ? "; " + suppressed + " more since the last such line (at most one every 10 s; metric osfit_tls_handshake_failures_total)" : "");
        }
    }

    /**
     * A short reason from the handshake's exception: the JDK's messages are the only place the cause is
     * named (a client certificate from an unknown CA, an expired one, none at all, or the client's alert).
     */
    static String handshakeFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof java.security.cert.CertificateExpiredException || m.contains("validity check failed") || m.contains("expired")) {
                return "expired";
            }
            if (t instanceof java.security.cert.CertPathValidatorException || t instanceof java.security.cert.CertPathBuilderException
                    || m.contains("PKIX path") || m.contains("unable to find valid certification path")) {
                return "unknown_ca";
            }
            if (m.contains("Empty client certificate chain") || m.contains("null cert chain") || m.contains("peer not authenticated")) {
                return "no_certificate";
            }
            if (m.startsWith("Received fatal alert: ")) {
                return "client_alert_" + m.substring("Received fatal alert: ".length()).trim();
            }
            if (t instanceof io.netty.handler.ssl.SslHandshakeTimeoutException) {
                return "timeout";
            }
            if (t instanceof io.netty.handler.ssl.NotSslRecordException) {
                return "not_tls";
            }
        }
        return "other";
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    /**
     * Before the HTTP codec: the first bytes of a request arm the deadline. After it ({@link #done}): a
     * decoded request disarms it, and the end of its response waits for the next request's first byte.
     */
    private final class HeaderDeadline extends ChannelInboundHandlerAdapter {

        private boolean waitingForRequest = true;
        private ScheduledFuture<?> timer;
        final ChannelDuplexHandler done = new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (msg instanceof HttpRequest) {
                    waitingForRequest = false;
                    cancel();
                }
                ctx.fireChannelRead(msg);
            }

            /** An OutOfMemoryError while reading (a buffer Netty could not allocate) closes the connection rather than leaving it hanging. */
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
                if (cause instanceof VirtualMachineError) {
                    ctx.close();
                }
                ctx.fireExceptionCaught(cause);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                if (msg instanceof LastHttpContent) {
                    waitingForRequest = true;
                }
                ctx.write(msg, promise);
            }
        };

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (waitingForRequest && timer == null && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                timer = ctx.executor().schedule(() -> {
                    headerTimeouts.increment();
                    log.debug("{} port: closed a connection from {}: request headers not complete within {} ms (osfit.request-read-timeout)",
                            port, ctx.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos));
                    ctx.close();
                }, headerTimeoutNanos, TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancel();
            ctx.fireChannelInactive();
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }
}
