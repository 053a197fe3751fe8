package dev.osfit.admission;

import dev.osfit.config.OsfitProperties;
import dev.osfit.extender.ConnectionGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.SmartLifecycle;
import dev.osfit.extender.RequestBodies;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import org.springframework.stereotype.Component;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The webhook's own HTTPS port ({@code osfit.admission.port}): only {@code POST /admission/pods}, TLS
 * from the SSL bundle {@code osfit.admission.tls-bundle}, no client certificate (the API server sends
 * none). When the bundle's files change, new connections get the new certificate; the port stays
 * bound and open connections are left alone.
 */
@Component
@ConditionalOnExpression("${osfit.admission.port:0} > 0")
class WebhookServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);

    private final AdmissionHandler handler;
    private final SslBundles bundles;
    private final OsfitProperties.AdmissionProperties properties;
    private final OsfitProperties all;
    private final String address;
    private final ConnectionGuard guard;
    private DisposableServer server;
    private SwappableSslContext ssl;

    WebhookServer(AdmissionHandler handler, SslBundles bundles, OsfitProperties properties, MeterRegistry meters,
                  @Value("${server.address:127.0.0.1}") String address) {
        this.handler = handler;
        this.guard = new ConnectionGuard("webhook", properties.maxConnections(), properties.requestReadTimeout(), meters);
        this.bundles = bundles;
        this.properties = properties.admission();
        this.all = properties;
        this.address = address;
    }

    @Override
    public synchronized void start() {
        ssl = new SwappableSslContext(sslContext(bundles.getBundle(properties.tlsBundle())));
        // The registry logs each reload (subject, serial, expiry) and applies it only when certificate and key match.
        bundles.addBundleUpdateHandler(properties.tlsBundle(), bundle -> ssl.swap(sslContext(bundle)));
        // Reactor Netty directly, not WebFlux: a review's body is read whole and answered with bytes already
        // encoded, and the layers between (dispatch, exchange, codecs, observation) cost the API server's
        // pod creations more than the review itself. Anything else on this port: 404.
        java.util.function.BiFunction<HttpServerRequest, HttpServerResponse, org.reactivestreams.Publisher<Void>> pods = (request, response) -> {
            if (!handler.enabled()) {
                return response.status(HttpStatus.NOT_FOUND.value()).send();
            }
            long start = System.nanoTime();
            return RequestBodies.read(request, handler.maxBytes())
                    .flatMap(handler::answer)
                    .map(RequestBodies.Answer::ok)
                    .onErrorResume(e -> Mono.just(e instanceof RequestBodies.TooLargeException
                            ? new RequestBodies.Answer(HttpStatus.PAYLOAD_TOO_LARGE, handler.tooLargeBody(), false)
                            : RequestBodies.failureOf("admission", e)))
                    .flatMap(answer -> {
                        handler.answered(start);
                        return RequestBodies.write(response, answer);
                    });
        };
        // The same limits as the main port: a stalled or dribbled request, or a connection that never asks, is closed.
        // A TLS handshake that never comes is bounded too (Reactor Netty's default waits 10 s).
        java.time.Duration handshake = all.idleTimeout().compareTo(all.requestReadTimeout()) < 0 ? all.idleTimeout() : all.requestReadTimeout();
        server = guard.applyTo(HttpServer.create()).host(address).port(properties.port()).secure(spec -> spec.sslContext(ssl).handshakeTimeout(handshake))
                .readTimeout(all.requestReadTimeout()).requestTimeout(all.requestReadTimeout()).idleTimeout(all.idleTimeout())
                .route(routes -> routes.post(AdmissionRoutes.PODS, pods)
                        .route(request -> true, (request, response) -> response.status(HttpStatus.NOT_FOUND.value()).send()))
                .bindNow();
        log.info("admission webhook on https://{}:{}{}", address, server.port(), AdmissionRoutes.PODS);
    }

    private SslContext sslContext(SslBundle bundle) {
        try {
            return SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory()).build();
        } catch (SSLException e) {
            throw new IllegalStateException("webhook TLS from bundle " + properties.tlsBundle() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.disposeNow();
            server = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }
}
