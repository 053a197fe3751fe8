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
import tools.jackson.databind.JsonNode;
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

    /** The AdmissionReview answer to one request body. */
    Mono<byte[]> answer(byte[] request) {
        return Mono.just(request).flatMap(RequestBodies.guarded(body -> {
            JsonNode review;
            try {
                review = json.readTree(body);
            } catch (JacksonException e) {
                return badRequest("not JSON: " + e.getOriginalMessage());
            }
            JsonNode req = review.path("request");
            String uid = req.path("uid").asString("");
            if (!"admission.k8s.io/v1".equals(review.path("apiVersion").asString("")) || uid.isEmpty()) {
                return badRequest("expected an AdmissionReview admission.k8s.io/v1 with request.uid");
            }
            if (uid.length() > MAX_UID) {
                // The API server sends a UUID; anything longer would be echoed back for nothing.
                return badRequest("request.uid longer than " + MAX_UID + " characters");
            }
            return decide(req).map(RequestBodies.guarded(d -> {
                boolean deny = d.outcome() == Outcome.BLOCKED && properties.denyConflicts();
                Outcome outcome = deny ? Outcome.DENIED : d.outcome();
                decisions[outcome.ordinal()].increment();
                log.debug("admission {}/{}: {} ({})", req.path("namespace").asString(""),
                        req.path("object").path("metadata").path("name").asString(req.path("name").asString("")), outcome, d.reason());
                return answer(uid, d, deny);
            }));
        }));
    }

    private Mono<PodHints.Decision> decide(JsonNode req) {
        JsonNode pod = req.path("object");
        if (!"CREATE".equals(req.path("operation").asString("")) || !"Pod".equals(req.path("kind").path("kind").asString(""))
                || !req.path("subResource").asString("").isEmpty() || !pod.isObject()) {
            return Mono.just(new PodHints.Decision(null, Outcome.SKIPPED, "not a pod CREATE"));
        }
        if (properties.excludedNamespaces().contains(req.path("namespace").asString(""))) {
            return Mono.just(new PodHints.Decision(null, Outcome.SKIPPED, "namespace excluded (osfit.admission.excluded-namespaces)"));
        }
        if ("off".equals(pod.path("metadata").path("annotations").path(OPT_OUT).asString(""))) {
            return Mono.just(new PodHints.Decision(null, Outcome.SKIPPED, OPT_OUT + ": off"));
        }
        if (!pod.path("spec").path("nodeName").asString("").isEmpty()) {
            return Mono.just(new PodHints.Decision(null, Outcome.SKIPPED, "spec.nodeName is set"));
        }
        PodFacts facts;
        try {
            facts = PodHints.facts(pod);
        } catch (RuntimeException e) {
            return Mono.just(hints.unchanged(pod, "pod not understood: " + e.getMessage(), false));
        }
        NodeCatalog catalog = nodes.current();
        if (!catalog.ready() || catalog.platforms().isEmpty()) {
            return Mono.just(hints.unchanged(pod, HintPlanner.INDEX_EMPTY, false));
        }
        Duration budget = properties.budget();
        CompletableFuture<PodRequirements> compiled = hints.compile(facts);
        Mono<PodRequirements> requirements = compiled.isDone() ? Mono.just(compiled.join())
                : Mono.fromFuture(compiled.copy().orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS)).publishOn(Schedulers.parallel());
        return requirements
                .map(r -> hints.decide(pod, r, catalog, false))
                .onErrorResume(TimeoutException.class, e -> Mono.just(properties.gate().enabled()
                        // The lookup goes on; osfit's gate controller finishes the job and lifts the gate.
                        ? hints.gate(pod, "image platforms being resolved (at most " + properties.gate().maxWait() + ")")
                        : hints.unchanged(pod, String.format(NOT_RESOLVED, budget), false)));
    }

    private byte[] answer(String uid, PodHints.Decision decision, boolean deny) {
        ObjectNode review = json.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode response = review.putObject("response");
        response.put("uid", uid);
        if (deny) {
            // Only with osfit.admission.deny-conflicts: a pod no node can ever run.
            response.put("allowed", false);
            response.putObject("status").put("code", 403).put("reason", "Forbidden")
                    .put("message", PodHints.warning("no node can run this pod: " + decision.reason()));
            return json.writeValueAsBytes(review);
        }
        // Otherwise never a rejection: at worst the pod goes on without hints and the extender checks it.
        response.put("allowed", true);
        if (decision.warning() != null) {
            response.putArray("warnings").add(decision.warning());
        }
        ArrayNode patch = decision.patch();
        if (patch != null && !patch.isEmpty()) {
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(json.writeValueAsBytes(patch)));
        }
        return json.writeValueAsBytes(review);
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
