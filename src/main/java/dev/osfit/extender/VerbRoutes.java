package dev.osfit.extender;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * POST /filter, /prioritize and /preempt, served by Reactor Netty directly, ahead of WebFlux (which keeps
 * every other path and method on the port: explain, plan, actuator, 405 for a verb's other methods).
 *
 * <p>Why not a WebFlux route: inside the real kube-scheduler, two thirds of osfit's CPU went to the
 * layers between Netty and the handler (DispatcherHandler, router lookup, exchange and session
 * set-up, message writers, Spring's own observation), none of which a verb uses: its body is read
 * whole, its answer is bytes already encoded. Here a request is read into one array (bounded by
 * {@code osfit.max-request-size}), answered by the verb's handler, written with its length, and timed
 * once ({@link ExtenderMetrics}); failures are answered as on every other path ({@link RequestBodies#failureOf}).
 * Connection limits and read deadlines are the server's own ({@link ConnectionGuard}), so they hold here too.
 *
 * <p>A request is four operators: collect the body, answer it, turn a failure into its answer, write it. The
 * handler answers with a future that is done on return in the usual case (every image known), and
 * then the answer goes on to be written in the same call; a body over {@link RequestBodies#OFFLOAD_BYTES} is
 * answered on the parallel scheduler, a pending lookup where it completes.
 */
@Component
class VerbRoutes implements NettyRouteProvider {

    private final RequestBodies bodies;
    private final ExtenderMetrics metrics;
    private final AllowedClients clients;
    private final FilterHandler filter;
    private final PrioritizeHandler prioritize;
    private final PreemptHandler preempt;

    VerbRoutes(RequestBodies bodies, ExtenderMetrics metrics, AllowedClients clients, FilterHandler filter,
               PrioritizeHandler prioritize, PreemptHandler preempt) {
        this.bodies = bodies;
        this.metrics = metrics;
        this.clients = clients;
        this.filter = filter;
        this.prioritize = prioritize;
        this.preempt = preempt;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.post(Routes.FILTER, verb("filter", filter::answer))
                .post(Routes.PRIORITIZE, verb("prioritize", prioritize::answer))
                .post(Routes.PREEMPT, verb("preempt", preempt::answer));
    }

    private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> verb(String verb,
                                                                                   Function<byte[], CompletableFuture<byte[]>> handler) {
        return (request, response) -> {
            long start = System.nanoTime();
            if (!clients.checksNothing() && !clients.allows(peerCertificates(request))) {
                return write(verb, start, response, new RequestBodies.Answer(HttpStatus.FORBIDDEN, AllowedClients.FORBIDDEN, false));
            }
            return bodies.receive(request)
                    .flatMap(received -> RequestBodies.next(received.bytes(), body -> answer(handler.apply(body))))
                    .onErrorResume(e -> Mono.just(RequestBodies.failureOf(verb, e)))
                    // Failures of the write itself are the connection's: nothing more to answer, nothing timed twice.
                    .flatMap(answer -> write(verb, start, response, answer));
        };
    }

    /** The handler's answer: at once when done (Reactor's flatMap takes a Mono.just without subscribing), else when it completes. */
    private static Mono<RequestBodies.Answer> answer(CompletableFuture<byte[]> answer) {
        if (answer.isDone()) {
            // join() throws a failure wrapped in a CompletionException; failureOf unwraps it.
            return Mono.just(RequestBodies.Answer.ok(answer.join()));
        }
        return Mono.fromFuture(answer).map(RequestBodies.Answer::ok);
    }

    private Mono<Void> write(String verb, long start, HttpServerResponse response, RequestBodies.Answer answer) {
        // Timed to the answer being handed to Netty, as the WebFlux timer was.
        metrics.record(verb, answer.status().value(), System.nanoTime() - start);
        return RequestBodies.write(response, answer);
    }

    /** The client's certificate chain on a TLS connection (the stream's parent under HTTP/2), or null. */
    static X509Certificate[] peerCertificates(HttpServerRequest request) {
        if (!(request instanceof Connection connection)) {
            return null;
        }
        Channel channel = connection.channel();
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null && channel.parent() != null) {
            ssl = channel.parent().pipeline().get(SslHandler.class);
        }
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return Arrays.stream(chain).filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }
}
