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
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
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

    private final HttpHandler handler;
    private final SslBundles bundles;
    private final OsfitProperties.AdmissionProperties properties;
    private final OsfitProperties all;
    private final String address;
    private final ConnectionGuard guard;
    private DisposableServer server;
    private SwappableSslContext ssl;

    WebhookServer(HttpHandler handler, SslBundles bundles, OsfitProperties properties, MeterRegistry meters,
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
        ReactorHttpHandlerAdapter adapter = new ReactorHttpHandlerAdapter((request, response) -> {
            if (request.getMethod() == HttpMethod.POST && AdmissionRoutes.PODS.equals(request.getPath().value())) {
                return handler.handle(request, response);
            }
            response.setStatusCode(HttpStatus.NOT_FOUND);
            return response.setComplete();
        });
        // The same limits as the main port: a stalled or dribbled request, or a connection that never asks, is closed.
        // A TLS handshake that never comes is bounded too (Reactor Netty's default waits 10 s).
        java.time.Duration handshake = all.idleTimeout().compareTo(all.requestReadTimeout()) < 0 ? all.idleTimeout() : all.requestReadTimeout();
        server = guard.applyTo(HttpServer.create()).host(address).port(properties.port()).secure(spec -> spec.sslContext(ssl).handshakeTimeout(handshake))
                .readTimeout(all.requestReadTimeout()).requestTimeout(all.requestReadTimeout()).idleTimeout(all.idleTimeout())
                .handle(adapter).bindNow();
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
