package dev.osfit.cluster;

import dev.osfit.kube.PodReader;
import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodRequirements;
import dev.osfit.match.Scoring;
import dev.osfit.match.Verdict;
import dev.osfit.node.NodePlatform;
import dev.osfit.node.NodeCatalog;
import dev.osfit.node.NodeSource;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drift: pods already running on nodes whose platform can no longer run their images (a node upgraded
 * in place and relabelled, an image tag that moved to another build). Found when a node's platform
 * changes in the index (its pods are listed and checked within {@link #NODE_CHECK}) and by a sweep of
 * every scheduled pod each {@code osfit.nodes.drift-sweep}; pods are listed in pages, never cached,
 * so memory does not grow with the cluster. Each drifted pod gets one Warning event {@value #DRIFT};
 * {@code osfit_drift_pods{namespace}} counts them. A pod drifts only for a rule that can never pass
 * there (the build, the platform, Windows limits), never for an unknown image.
 */
public final class Drift implements SmartLifecycle {

    static final String DRIFT = "OsfitDrift";
    static final Duration NODE_CHECK = Duration.ofSeconds(5);
    static final int PAGE = 500;
    /** Namespaces with a gauge of their own; namespaces are created by the cluster's users. */
    static final int MAX_NAMESPACES = 500;
    private static final Set<Verdict.Kind> DRIFT_KINDS = EnumSet.of(Verdict.Kind.BUILD_MISMATCH, Verdict.Kind.PLATFORM_MISMATCH,
            Verdict.Kind.WINDOWS_UNSUPPORTED, Verdict.Kind.HOST_PROCESS, Verdict.Kind.CONFLICT);
    private static final Logger log = LoggerFactory.getLogger(Drift.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiClient client;
    private final NodeSource nodes;
    private final PodCompiler compiler;
    private final Scoring scoring;
    private final PodEvents events;
    private final MeterRegistry meters;
    private final Duration sweepEvery;
    /** Drifted pods now: namespace/name/uid -> the node it is on. */
    private final Map<String, String> drifted = new ConcurrentHashMap<>();
    /** Pods already given their event (by uid), so a pod is reported once. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    private Map<String, NodePlatform> lastPlatforms = Map.of();
    private ScheduledExecutorService timer;
    private volatile boolean running;

    Drift(ApiClient client, NodeSource nodes, PodCompiler compiler, Scoring scoring, MeterRegistry meters, Duration sweepEvery) {
        this.client = client;
        this.nodes = nodes;
        this.compiler = compiler;
        this.scoring = scoring;
        this.events = new PodEvents(client);
        this.meters = meters;
        this.sweepEvery = sweepEvery;
    }

    @Override
    public synchronized void start() {
        running = true;
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "osfit-drift");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> guarded(this::checkChangedNodes), NODE_CHECK.toMillis(), NODE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> guarded(this::sweep), Math.min(sweepEvery.toMillis(), 30_000), sweepEvery.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("watching for drift: pods on nodes that can no longer run them (a sweep every {}, and on node changes)", sweepEvery);
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("drift check failed: {}; it runs again on the next tick", e.toString());
        }
    }

    /** Nodes whose platform changed since the last look: their pods are checked now. */
    void checkChangedNodes() {
        NodeCatalog snapshot = nodes.current();
        if (!snapshot.ready()) {
            return;
        }
        Map<String, NodePlatform> now = new HashMap<>();
        for (String name : snapshot.names()) {
            now.put(name, snapshot.platformOf(name));
        }
        Map<String, NodePlatform> before = lastPlatforms;
        lastPlatforms = now;
        if (before.isEmpty()) {
            return; // the first look: the sweep covers every pod
        }
        now.forEach((node, platform) -> {
            NodePlatform old = before.get(node);
            if (old != null && !old.equals(platform)) {
                log.info("node {} changed from {} to {}: checking its pods for drift", node, old, platform);
                check("spec.nodeName=" + node, key -> node.equals(drifted.get(key)));
            }
        });
    }

    /** Every scheduled pod. */
    void sweep() {
        if (!nodes.current().ready()) {
            return;
        }
        check("spec.nodeName!=", key -> true);
    }

    /**
     * Lists the pods the field selector picks, page by page, and checks each; afterwards, the drifted pods
     * {@code inScope} covers that were not found drifted again are dropped (gone, moved, or fine now).
     */
    private void check(String fieldSelector, Predicate<String> inScope) {
        CoreV1Api api = new CoreV1Api(client);
        Set<String> found = new java.util.HashSet<>();
        String token = null;
        try {
            do {
                JsonNode list;
                try (okhttp3.Response response = api.listPodForAllNamespaces().fieldSelector(fieldSelector).limit(PAGE)._continue(token)
                        .buildCall(null).execute()) {
                    if (!response.isSuccessful() || response.body() == null) {
                        log.warn("listing pods for drift failed: the API server answered {}", response.code());
                        return;
                    }
                    list = JSON.readTree(response.body().bytes());
                }
                for (JsonNode pod : list.path("items")) {
                    String key = checkPod(pod);
                    if (key != null) {
                        found.add(key);
                    }
                }
                token = list.path("metadata").path("continue").asString("");
            } while (!token.isEmpty() && running);
        } catch (Exception e) {
            log.warn("listing pods for drift failed: {}", e.toString());
            return;
        }
        drifted.keySet().removeIf(key -> inScope.test(key) && !found.contains(key));
    }

    /** Checks one running pod against its node's platform now; its key when it drifted, else null. */
    String checkPod(JsonNode pod) throws Exception {
        String phase = pod.path("status").path("phase").asString("");
        String node = pod.path("spec").path("nodeName").asString("");
        if (node.isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
            return null;
        }
        NodePlatform platform = nodes.current().platformOf(node);
        if (platform == null || platform == NodePlatform.NOT_INDEXED) {
            return null;
        }
        PodRequirements requirements = compiler.compile(PodReader.fromTree(pod)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Verdict verdict = new Matcher(requirements, scoring).verdict(platform);
        if (verdict.passes() || verdict.outcome() != Verdict.Outcome.UNRESOLVABLE || !DRIFT_KINDS.contains(verdict.kind())) {
            return null;
        }
        JsonNode meta = pod.path("metadata");
        String namespace = meta.path("namespace").asString("");
        String name = meta.path("name").asString("");
        String uid = meta.path("uid").asString("");
        String key = namespace + "/" + name + "/" + uid;
        drifted.put(key, node);
        gauge(namespace);
        if (reported.add(uid)) {
            log.warn("pod {}/{} runs on node {}, which can no longer run it: {}", namespace, name, node, verdict.reason());
            events.warning(namespace, name, uid, DRIFT, "runs on node " + node + ", which osfit says can no longer run it: "
                    + verdict.reason() + " (the node or the image changed since the pod was placed)");
        }
        return key;
    }

    private void gauge(String namespace) {
        if (gauged.contains(namespace) || gauged.size() >= MAX_NAMESPACES) {
            return;
        }
        if (gauged.add(namespace)) {
            Gauge.builder("osfit.drift.pods", drifted, d -> d.keySet().stream().filter(k -> k.startsWith(namespace + "/")).count())
                    .tag("namespace", namespace).description("pods running on nodes that can no longer run their images")
                    .register(meters);
        }
    }

    /** Drifted pods now (for tests and the health of the sweep). */
    int driftedCount() {
        return drifted.size();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
