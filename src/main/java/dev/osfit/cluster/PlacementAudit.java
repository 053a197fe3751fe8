package dev.osfit.cluster;

import dev.osfit.kube.ConsultedPods;
import dev.osfit.kube.PodReader;
import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.PodRequirements;
import dev.osfit.match.Scoring;
import dev.osfit.match.Verdict;
import dev.osfit.node.NodePlatform;
import dev.osfit.node.NodeSource;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Pod;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cluster mode: notices pods that were placed where osfit would not have put them. With
 * {@code ignorable: true} (the shipped default) kube-scheduler schedules without osfit when it cannot
 * reach it (a TLS or network failure), and the only trace is a {@code Scheduled} event. Each pod leaving
 * the unscheduled set is read once (one GET, on a thread of its own, never on a request path) and
 * checked, unless this osfit answered its filter (kube-scheduler then chose among the nodes osfit passed;
 * counted {@code filtered}, and nothing is read: one GET and one compile per scheduled pod was a quarter
 * of osfit's CPU inside the real scheduler):
 * <ul>
 *   <li>bound to a node osfit rejects for it: {@code osfit_placement_audit_total{outcome="incompatible"}}
 *       and a Warning event {@value #INCOMPATIBLE} on the pod;
 *   <li>with {@code osfit.nodes.audit-unconsulted} (off by default: sound only when one osfit replica
 *       answers the scheduler, since each replica sees only the calls it gets), bound by a scheduler that
 *       consults osfit without osfit having been asked about it: {@code outcome="not_consulted"} and a
 *       Warning event {@value #NOT_CONSULTED}.
 * </ul>
 * Every replica checks every pod; the events are named after pod and reason, so a finding is recorded once.
 * At most {@value #QUEUE} pods wait to be checked; more are counted as {@code skipped}.
 */
public final class PlacementAudit implements SmartLifecycle {

    static final String INCOMPATIBLE = "OsfitIncompatibleNode";
    static final String NOT_CONSULTED = "OsfitNotConsulted";
    static final int QUEUE = 1000;

    private static final Logger log = LoggerFactory.getLogger(PlacementAudit.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiClient client;
    private final NodeSource nodes;
    private final PodCompiler compiler;
    private final Scoring scoring;
    private final ConsultedPods consulted;
    private final PodEvents events;
    private final MeterRegistry meters;
    /** Off by default: with two replicas each sees only the calls it gets, and would report the other's pods. */
    private final boolean reportUnconsulted;
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
        Thread t = new Thread(r, "osfit-placement-audit");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;

    public PlacementAudit(ApiClient client, UnscheduledPods pods, NodeSource nodes, PodCompiler compiler, Scoring scoring,
                          ConsultedPods consulted, MeterRegistry meters, boolean reportUnconsulted) {
        this.reportUnconsulted = reportUnconsulted;
        this.client = client;
        this.nodes = nodes;
        this.compiler = compiler;
        this.scoring = scoring;
        this.consulted = consulted;
        this.events = new PodEvents(client);
        this.meters = meters;
        for (String outcome : new String[] {"filtered", "compatible", "incompatible", "not_consulted", "skipped"}) {
            outcome(outcome); // registered at 0, so that alerts have a series to read
        }
        pods.onLeave(this::left);
    }

    private Counter outcome(String outcome) {
        return Counter.builder("osfit.placement.audit").tag("outcome", outcome)
                .description("pods checked after kube-scheduler bound them: filtered (osfit answered their filter: not read again), "
                        + "compatible, incompatible (bound where osfit rejects them), "
                        + "not_consulted (bound without osfit being asked), skipped (node unknown, queue full)")
                .register(meters);
    }

    private void left(V1Pod pod) {
        if (!running || pod.getMetadata() == null) {
            return;
        }
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();
        if (consulted.filtered(uid)) {
            outcome("filtered").increment();
            return;
        }
        try {
            worker.execute(() -> audit(namespace, name, uid));
        } catch (RejectedExecutionException full) {
            outcome("skipped").increment();
        }
    }

    void audit(String namespace, String name, String uid) {
        try {
            java.util.Optional<byte[]> found = ClusterAccess.getPod(client, namespace, name);
            JsonNode pod = found.isEmpty() ? null : JSON.readTree(found.get());
            if (pod == null || !pod.path("metadata").path("uid").asString("").equals(uid)) {
                return; // deleted while pending, or a new pod of the same name
            }
            String node = pod.path("spec").path("nodeName").asString("");
            if (node.isEmpty()) {
                return;
            }
            PodFacts facts = PodReader.fromTree(pod);
            if (reportUnconsulted && consulted.consults(facts.schedulerName()) && !consulted.consulted(uid)) {
                outcome("not_consulted").increment();
                log.warn("pod {}/{} was bound to {} by {} without osfit being asked about it (kube-scheduler could not reach osfit?)",
                        namespace, name, node, facts.schedulerName());
                events.warning(namespace, name, uid, NOT_CONSULTED, "bound to node " + node + " by " + facts.schedulerName()
                        + " without osfit's filter being asked about this pod: kube-scheduler may have skipped an unreachable osfit (ignorable: true)");
            }
            NodePlatform platform = nodes.current().platformOf(node);
            if (platform == null || platform == NodePlatform.NOT_INDEXED) {
                outcome("skipped").increment();
                return;
            }
            PodRequirements requirements = compiler.compile(facts).toCompletableFuture().get(30, TimeUnit.SECONDS);
            Verdict verdict = new Matcher(requirements, scoring).verdict(platform);
            if (verdict.passes()) {
                outcome("compatible").increment();
                return;
            }
            outcome("incompatible").increment();
            log.warn("pod {}/{} is bound to {}, which osfit rejects for it: {}", namespace, name, node, verdict.reason());
            events.warning(namespace, name, uid, INCOMPATIBLE, "bound to node " + node + ", where osfit says: " + verdict.reason()
                    + " (placed without osfit's answer: an unreachable extender with ignorable: true, or another scheduler)");
        } catch (Exception e) {
            outcome("skipped").increment();
            log.debug("placement audit of {}/{} failed: {}", namespace, name, e.toString());
        }
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        worker.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return -1; // running before the unscheduled-pods informer starts, stopped after it
    }
}
