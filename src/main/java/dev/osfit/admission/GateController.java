package dev.osfit.admission;

import dev.osfit.cluster.UnscheduledPods;
import dev.osfit.config.OsfitProperties;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.PodRequirements;
import dev.osfit.match.Scoring;
import dev.osfit.node.NodeCatalog;
import dev.osfit.node.NodeSource;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSchedulingGate;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lifts the scheduling gate {@value PodHints#GATE} that the webhook puts on pods whose images it
 * could not resolve in time: it follows unscheduled pods ({@link UnscheduledPods}), resolves the gated ones' images, and patches
 * each pod once, removing the gate and, when osfit is certain, adding the placement hint. A pod is never
 * held longer than {@code osfit.admission.gate.max-wait} from its creation: then the gate goes without
 * hints and a Warning event says why. Every replica runs one; a patch carries a JSONPatch test of the
 * gate, so of two replicas racing, the second's patch fails harmlessly.
 */
public final class GateController implements SmartLifecycle {

    static final String TIMED_OUT = "image platforms not resolved within %s";

    private static final Logger log = LoggerFactory.getLogger(GateController.class);

    private final ApiClient client;
    private final CoreV1Api api;
    private final dev.osfit.cluster.PodEvents events;
    private final PodHints hints;
    private final NodeSource nodes;
    private final Duration maxWait;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
    /** Pods patched by this replica, until the watch shows them without the gate (or a while has passed). */
    private final java.util.Map<String, Instant> released = new ConcurrentHashMap<>();
    private final AtomicLong lifted = new AtomicLong();
    private final UnscheduledPods pods;
    private ScheduledExecutorService executor;
    private volatile boolean running;

    public GateController(UnscheduledPods pods, ApiClient client, PodCompiler compiler, Scoring scoring,
                          NodeSource nodes, OsfitProperties.AdmissionProperties properties) {
        this.pods = pods;
        this.client = client;
        this.api = new CoreV1Api(client);
        this.events = new dev.osfit.cluster.PodEvents(client);
        this.hints = new PodHints(compiler, scoring, properties, json);
        this.nodes = nodes;
        this.maxWait = properties.gate().maxWait();
        pods.onPod(this::consider);
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "osfit-gate");
            t.setDaemon(true);
            return t;
        });
        // Pods whose lookup was left for later (index not ready, a failed patch) and deadlines.
        executor.scheduleWithFixedDelay(() -> {
            // An exception would end a fixed-delay schedule for good.
            try {
                Instant forget = Instant.now().minus(maxWait.multipliedBy(2));
                released.values().removeIf(at -> at.isBefore(forget));
                pods.cached().forEach(this::consider);
            } catch (RuntimeException e) {
                log.warn("gate sweep failed: {}", e.toString());
            }
        }, 1, 1, TimeUnit.SECONDS);
        running = true;
        log.info("scheduling gate {} lifted by this replica (at most {} per pod)", PodHints.GATE, maxWait);
    }

    static boolean gated(V1Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getSchedulingGates() == null) {
            return false;
        }
        for (V1PodSchedulingGate g : pod.getSpec().getSchedulingGates()) {
            if (PodHints.GATE.equals(g.getName())) {
                return true;
            }
        }
        return false;
    }

    private void consider(V1Pod pod) {
        if (pod.getMetadata() == null || pod.getMetadata().getUid() == null) {
            return;
        }
        if (!gated(pod)) {
            released.remove(pod.getMetadata().getUid());
            return;
        }
        if (!running || released.containsKey(pod.getMetadata().getUid()) || !inProgress.add(pod.getMetadata().getUid())) {
            return;
        }
        try {
            resolve(pod);
        } catch (RuntimeException e) {
            log.warn("gated pod {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.toString());
            inProgress.remove(pod.getMetadata().getUid());
        }
    }

    private void resolve(V1Pod pod) {
        String uid = pod.getMetadata().getUid();
        JsonNode podJson = json.readTree(client.getJSON().serialize(pod));
        OffsetDateTime created = pod.getMetadata().getCreationTimestamp();
        Duration left = Duration.between(Instant.now(), (created == null ? Instant.now() : created.toInstant()).plus(maxWait));
        NodeCatalog catalog = nodes.current();
        if (!catalog.ready() && !left.isNegative()) {
            inProgress.remove(uid); // the sweep comes back once the index is ready, or at the deadline
            return;
        }
        PodFacts facts = PodHints.facts(podJson);
        hints.compile(facts)
                .orTimeout(Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((requirements, error) -> {
                    try {
                        finish(pod, podJson, requirements, error, hints.pending(facts));
                    } finally {
                        inProgress.remove(uid);
                    }
                }, executor);
    }

    private void finish(V1Pod pod, JsonNode podJson, PodRequirements requirements, Throwable error, boolean stillLooking) {
        OffsetDateTime created = pod.getMetadata().getCreationTimestamp();
        boolean pastDeadline = created == null || !Instant.now().isBefore(created.toInstant().plus(maxWait));
        PodHints.Decision decision;
        if (error != null && (error instanceof TimeoutException || error.getCause() instanceof TimeoutException)) {
            decision = hints.unchanged(podJson, String.format(TIMED_OUT, maxWait), true);
            pastDeadline = true;
        } else if (error != null) {
            decision = hints.unchanged(podJson, "image lookup failed: " + error, true);
        } else {
            decision = hints.decide(podJson, requirements, nodes.current(), true);
        }
        if (!decision.outcome().certain() && !pastDeadline && stillLooking) {
            // Not certain yet, and the registry's answer is still on its way (the request budget gave up
            // waiting, the lookup did not): the sweep asks again, from the cache, until the deadline.
            return;
        }
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        try {
            PatchUtils.patch(V1Pod.class, () -> api.patchNamespacedPod(name, namespace, new V1Patch(json.writeValueAsString(decision.patch())))
                    .buildCall(null), V1Patch.PATCH_FORMAT_JSON_PATCH, client);
            lifted.incrementAndGet();
            released.put(pod.getMetadata().getUid(), Instant.now());
            log.debug("gate lifted from {}/{}: {} ({})", namespace, name, decision.outcome(), decision.reason());
        } catch (ApiException e) {
            if (e.getCode() == 422 || e.getCode() == 404 || e.getCode() == 409) {
                released.put(pod.getMetadata().getUid(), Instant.now());
                return; // the gate is already gone (another replica) or the pod is
            }
            log.warn("could not lift the gate from {}/{}: HTTP {}", namespace, name, e.getCode());
            return;
        }
        if (decision.outcome() == Outcome.BLOCKED) {
            event(pod, "OsfitNoNode", "no node can run this pod: " + decision.reason());
        } else if (decision.outcome() != Outcome.HINTED) {
            event(pod, "OsfitGateTimeout", "osfit released the pod without placement hints" + (pastDeadline ? " after " + maxWait
                    + " (osfit.admission.gate.max-wait)" : "") + ": " + decision.reason());
        }
    }

    private void event(V1Pod pod, String reason, String message) {
        V1ObjectMeta m = pod.getMetadata();
        events.warning(m.getNamespace(), m.getName(), m.getUid(), reason, message);
    }

    /** Gates lifted by this replica since it started. */
    public long lifted() {
        return lifted.get();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
