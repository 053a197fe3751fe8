package dev.osfit.admission;

import dev.osfit.config.OsfitProperties;
import dev.osfit.extender.RequestBodies;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.PodRequirements;
import dev.osfit.match.Scoring;
import dev.osfit.node.NodeCatalog;
import dev.osfit.node.NodeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * POST /admission/pods: a mutating admission webhook (AdmissionReview admission.k8s.io/v1) for pod
 * CREATE. It always allows the pod; when osfit is certain what the pod's images need it adds the
 * matching required node affinity, and it records what it decided in the annotation
 * {@value AffinityPatch#ANNOTATION}.
 */
@Component
class AdmissionHandler {

    static final String OPT_OUT = "osfit.dev/hints";
    /** A UUID is 36 characters; room for any API server's form of it. */
    static final int MAX_UID = 128;
    static final String NOT_RESOLVED = "image platforms not resolved within %s (osfit.admission.budget)";

    private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);

    private final PodHints hints;
    private final NodeSource nodes;
    private final OsfitProperties.AdmissionProperties properties;
    private final JsonMapper json = JsonMapper.builder().build();
    private final MeterRegistry meters;
    private final Timer latency;
    private final long maxBytes;
    /** Per outcome, registered once: the registry's lookup per review would cost more than the count. */
    private final Counter[] decisions;

    AdmissionHandler(PodCompiler compiler, Scoring scoring, NodeSource nodes, OsfitProperties properties,
                     MeterRegistry meters) {
        this.properties = properties.admission();
        this.maxBytes = properties.maxRequestSize().toBytes();
        this.hints = new PodHints(compiler, scoring, this.properties, json);
        this.nodes = nodes;
        this.meters = meters;
        this.latency = Timer.builder("osfit.admission").description("admission reviews answered")
                .serviceLevelObjectives(dev.osfit.extender.LatencyBuckets.webhook())
                .register(meters);
        this.decisions = java.util.Arrays.stream(Outcome.values())
                .map(o -> Counter.builder("osfit.admission.decisions").tag("outcome", o.tag()).register(meters)).toArray(Counter[]::new);
    }

    /** On the main port, through WebFlux (the webhook's own port reads the body itself: {@link WebhookServer}). */
    Mono<ServerResponse> handle(ServerRequest request) {
        if (!properties.enabled()) {
            return ServerResponse.notFound().build();
        }
        long start = System.nanoTime();
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            return tooLarge();
        }
        // Read here, under osfit.max-request-size: an AdmissionReview carries the whole pod (up to the API
        // server's 1.5 MiB object limit, twice for UPDATE), far past the codecs' default 256 KiB.
        return RequestBodies.bytes(request, maxBytes)
                .flatMap(this::answer)
                .flatMap(answer -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(answer))
                .onErrorResume(DataBufferLimitException.class, e -> tooLarge())
                .doOnNext(r -> answered(start));
    }

    boolean enabled() {
        return properties.enabled();
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Records one answered review, from the moment its request arrived. */
    void answered(long start) {
        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /** The AdmissionReview answer to one request body: at once, unless an image's lookup is still under way. */
    Mono<byte[]> answer(byte[] body) {
        try {
            return RequestBodies.guarded(this::answerNow).apply(body);
        } catch (RuntimeException e) {
            return Mono.error(e);
        }
    }

    private Mono<byte[]> answerNow(byte[] body) {
        Review review;
        try {
            review = Review.read(body);
        } catch (JacksonException e) {
            return badRequest("not JSON: " + e.getOriginalMessage());
        }
        if (!"admission.k8s.io/v1".equals(review.apiVersion()) || review.uid().isEmpty()) {
            return badRequest("expected an AdmissionReview admission.k8s.io/v1 with request.uid");
        }
        if (review.uid().length() > MAX_UID) {
            // The API server sends a UUID; anything longer would be echoed back for nothing.
            return badRequest("request.uid longer than " + MAX_UID + " characters");
        }
        CompletableFuture<PodHints.Decision> decision = decide(review);
        if (decision.isDone()) {
            return Mono.just(answer(review, decision.join()));
        }
        return Mono.fromFuture(decision).map(RequestBodies.guarded(d -> answer(review, d)));
    }

    private byte[] answer(Review review, PodHints.Decision d) {
        boolean deny = d.outcome() == Outcome.BLOCKED && properties.denyConflicts();
        Outcome outcome = deny ? Outcome.DENIED : d.outcome();
        decisions[outcome.ordinal()].increment();
        if (log.isDebugEnabled()) {
            log.debug("admission {}/{}: {} ({})", review.namespace(), review.podName(), outcome, d.reason());
        }
        return answer(review.uid(), d, deny);
    }

    /**
     * The decision: done on return unless an image's lookup is under way, which is then awaited on the
     * parallel scheduler for at most osfit.admission.budget.
     */
    private CompletableFuture<PodHints.Decision> decide(Review review) {
        ObjectNode pod = review.pod();
        if (!"CREATE".equals(review.operation()) || !"Pod".equals(review.kind()) || !review.subResource().isEmpty() || pod == null) {
            return done(new PodHints.Decision(null, Outcome.SKIPPED, "not a pod CREATE"));
        }
        if (properties.excludedNamespaces().contains(review.namespace())) {
            return done(new PodHints.Decision(null, Outcome.SKIPPED, "namespace excluded (osfit.admission.excluded-namespaces)"));
        }
        if ("off".equals(pod.path("metadata").path("annotations").path(OPT_OUT).asString(""))) {
            return done(new PodHints.Decision(null, Outcome.SKIPPED, OPT_OUT + ": off"));
        }
        if (!pod.path("spec").path("nodeName").asString("").isEmpty()) {
            return done(new PodHints.Decision(null, Outcome.SKIPPED, "spec.nodeName is set"));
        }
        PodFacts facts;
        try {
            facts = review.facts();
        } catch (RuntimeException e) {
            return done(hints.unchanged(pod, "pod not understood: " + e.getMessage(), false));
        }
        NodeCatalog catalog = nodes.current();
        if (!catalog.ready() || catalog.platforms().isEmpty()) {
            return done(hints.unchanged(pod, HintPlanner.INDEX_EMPTY, false));
        }
        CompletableFuture<PodRequirements> compiled = hints.compile(facts);
        if (compiled.isDone()) {
            return done(hints.decide(pod, compiled.join(), catalog, false));
        }
        Duration budget = properties.budget();
        return compiled.copy().orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS).handleAsync((requirements, error) -> {
            if (error == null) {
                // Guarded as the answer's own steps are: an OutOfMemoryError here is answered 503, not left fatal.
                return RequestBodies.guarded((PodRequirements r) -> hints.decide(pod, r, catalog, false)).apply(requirements);
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
            if (!(cause instanceof TimeoutException)) {
                throw new java.util.concurrent.CompletionException(cause);
            }
            return properties.gate().enabled()
                    // The lookup goes on; osfit's gate controller finishes the job and lifts the gate.
                    ? hints.gate(pod, "image platforms being resolved (at most " + properties.gate().maxWait() + ")")
                    : hints.unchanged(pod, String.format(NOT_RESOLVED, budget), false);
        }, PARALLEL);
    }

    private static final java.util.concurrent.Executor PARALLEL = task -> Schedulers.parallel().schedule(task);

    private static CompletableFuture<PodHints.Decision> done(PodHints.Decision decision) {
        return CompletableFuture.completedFuture(decision);
    }

    /** The AdmissionReview answer, written field by field (no tree of it is built). */
    private byte[] answer(String uid, PodHints.Decision decision, boolean deny) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("apiVersion", "admission.k8s.io/v1");
            g.writeStringProperty("kind", "AdmissionReview");
            g.writeName("response");
            g.writeStartObject();
            g.writeStringProperty("uid", uid);
            if (deny) {
                // Only with osfit.admission.deny-conflicts: a pod no node can ever run.
                g.writeBooleanProperty("allowed", false);
                g.writeName("status");
                g.writeStartObject();
                g.writeNumberProperty("code", 403);
                g.writeStringProperty("reason", "Forbidden");
                g.writeStringProperty("message", PodHints.warning("no node can run this pod: " + decision.reason()));
                g.writeEndObject();
            } else {
                // Otherwise never a rejection: at worst the pod goes on without hints and the extender checks it.
                g.writeBooleanProperty("allowed", true);
                if (decision.warning() != null) {
                    g.writeName("warnings");
                    g.writeStartArray();
                    g.writeString(decision.warning());
                    g.writeEndArray();
                }
                ArrayNode patch = decision.patch();
                if (patch != null && !patch.isEmpty()) {
                    g.writeStringProperty("patchType", "JSONPatch");
                    g.writeStringProperty("patch", Base64.getEncoder().encodeToString(json.writeValueAsBytes(patch)));
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private Mono<ServerResponse> tooLarge() {
        return ServerResponse.status(HttpStatus.PAYLOAD_TOO_LARGE).contentType(MediaType.APPLICATION_JSON).bodyValue(tooLargeBody());
    }

    /** The 413 answer's body. */
    byte[] tooLargeBody() {
        log.debug("admission review over osfit.max-request-size ({} bytes) refused", maxBytes);
        return ("{\"message\":\"admission review exceeds osfit.max-request-size (" + maxBytes + " bytes)\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Mono<byte[]> badRequest(String message) {
        // 400 with {"Error": message}, as on the extender port (RequestBodies.failure, through AdmissionRoutes).
        return Mono.error(new dev.osfit.kube.BadRequestException(message));
    }
}
