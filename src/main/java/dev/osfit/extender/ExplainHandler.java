package dev.osfit.extender;

import dev.osfit.cluster.ClusterAccess;
import dev.osfit.cluster.StartFailures;
import dev.osfit.image.ImagePlatformSource;
import dev.osfit.image.ImageRef;
import dev.osfit.kube.BadRequestException;
import dev.osfit.kube.PodReader;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST /explain (the body of a /filter call) and, in cluster mode, GET /explain/{namespace}/{name}
 * (a pod from the API server against every indexed node): per node the verdict, the reason, the score
 * and the image platforms that decided, as JSON or, with {@code Accept: text/plain}, a table.
 */
@Component
class ExplainHandler {

    static final Duration POD_FETCH_TIMEOUT = Duration.ofSeconds(10);
    private static final java.util.regex.Pattern DNS_LABEL = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final java.util.regex.Pattern DNS_SUBDOMAIN = java.util.regex.Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final RequestBodies bodies;
    private final PodMatching matching;
    private final ObjectProvider<ApiClient> kubernetes;
    private final ObjectProvider<ImagePlatformSource> sources;
    private final ObjectProvider<StartFailures> startFailures;
    private final JsonMapper json = JsonMapper.builder().build();

    ExplainHandler(RequestBodies bodies, PodMatching matching, ObjectProvider<ApiClient> kubernetes, ObjectProvider<ImagePlatformSource> sources,
                   ObjectProvider<StartFailures> startFailures) {
        this.startFailures = startFailures;
        this.bodies = bodies;
        this.matching = matching;
        this.kubernetes = kubernetes;
        this.sources = sources;
    }

    /** The pod's failed starts for a platform mismatch that osfit saw (cluster mode): "node: image: message". */
    private List<String> startFailures(String namespace, String name) {
        StartFailures failures = startFailures.getIfAvailable();
        if (failures == null || namespace == null || name == null) {
            return List.of();
        }
        return failures.of(namespace, name).stream().map(f -> f.node() + ": " + f.image() + ": " + f.message()).toList();
    }

    /** Why the remote sources could not say what the image needs, or null. */
    private String lookupFailure(String image) {
        if (!(ImageRef.parse(image) instanceof ImageRef.Valid valid)) {
            return null;
        }
        return sources.orderedStream().map(source -> source.failure(valid.ref())).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    Mono<ServerResponse> explainBody(ServerRequest request) {
        return bodies.read(request).flatMap(body -> explain(body, request));
    }

    Mono<ServerResponse> explainPod(ServerRequest request) {
        String namespace = request.pathVariable("namespace");
        String name = request.pathVariable("name");
        // As the API server validates them; anything else ("..", "%2F", control characters) never reaches its path.
        if (!DNS_LABEL.matcher(namespace).matches() || namespace.length() > 63) {
            return Mono.error(new BadRequestException("namespace must be a DNS-1123 label (lowercase letters, digits, '-'; at most 63)"));
        }
        if (!DNS_SUBDOMAIN.matcher(name).matches() || name.length() > 253) {
            return Mono.error(new BadRequestException("pod name must be a DNS-1123 subdomain (lowercase letters, digits, '-', '.'; at most 253)"));
        }
        ApiClient client = kubernetes.getIfAvailable();
        if (client == null) {
            return Mono.error(new BadRequestException(
                    "explaining a pod by name needs cluster mode (osfit.nodes.source=cluster); POST the /filter body to /explain instead"));
        }
        // client-java blocks: fetch on a thread meant for it, never on the event loop.
        return Mono.fromCallable(() -> ClusterAccess.getPod(client, namespace, name))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(POD_FETCH_TIMEOUT)
                .flatMap(pod -> pod.isEmpty()
                        ? ServerResponse.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(ExtenderEncoder.error("pod " + namespace + "/" + name + " not found"))
                        : explain(args(pod.get()), request));
    }

    private Mono<ServerResponse> explain(byte[] body, ServerRequest request) {
        return Mono.just(body).map(RequestBodies.guarded(matching.decoder()::decodeArgs)).flatMap(args -> explain(args, request));
    }

    private Mono<ServerResponse> explain(ExtenderArgs args, ServerRequest request) {
        return Mono.fromFuture(matching.match(args)).flatMap(RequestBodies.guarded(m -> {
            Explanation explanation = Explanation.of(m.args().pod().ref(), m.args().nodes(), m.matcher(), this::lookupFailure,
                    startFailures(m.args().pod().namespace(), m.args().pod().name()));
            if (wantsText(request)) {
                return ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(explanation.table());
            }
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json.writeValueAsBytes(explanation));
        }));
    }

    private static boolean wantsText(ServerRequest request) {
        if (request.queryParam("format").map("text"::equals).orElse(false)) {
            return true;
        }
        List<MediaType> accept = request.headers().accept();
        return !accept.isEmpty() && accept.get(0).isCompatibleWith(MediaType.TEXT_PLAIN) && !accept.get(0).isWildcardType();
    }

    /** The pod as the API server sent it, against every node in the index. */
    private ExtenderArgs args(byte[] pod) {
        List<String> names = matching.catalog().names();
        return new ExtenderArgs(PodReader.fromBytes(pod), RequestNodes.names(names.toArray(String[]::new), names.size()));
    }
}
