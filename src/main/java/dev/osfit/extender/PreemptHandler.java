package dev.osfit.extender;

import dev.osfit.match.Matcher;
import dev.osfit.node.NodeCatalog;
import dev.osfit.node.NodePlatform;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * POST /preempt: ExtenderPreemptionArgs -> ExtenderPreemptionResult. The answer replaces
 * kube-scheduler's candidate set: osfit keeps each candidate node the pod can run on with its
 * victims, and drops the others. A node with no victims is never returned (kube-scheduler treats
 * that as an error).
 *
 * <p>The request names nodes without their objects. osfit takes their platforms from the node index
 * (cluster mode) or from the full-node requests it has seen ({@link dev.osfit.node.SeenNodes},
 * standalone). A candidate whose platform osfit does not know is dropped: the pod waiting for a later
 * attempt is better than pods evicted from a node that cannot run it.
 */
@Component
class PreemptHandler {

    private static final Logger log = LoggerFactory.getLogger(PreemptHandler.class);
    private static final long WARN_INTERVAL = TimeUnit.MINUTES.toNanos(1);

    private final PodMatching matching;
    private final Counter kept;
    private final Counter incompatible;
    private final Counter unknown;
    private final AtomicLong lastUnknownWarn = new AtomicLong(System.nanoTime() - WARN_INTERVAL);

    PreemptHandler(PodMatching matching, MeterRegistry meters) {
        this.matching = matching;
        this.kept = candidates(meters, "kept");
        this.incompatible = candidates(meters, "incompatible");
        this.unknown = candidates(meters, "unknown");
    }

    private static Counter candidates(MeterRegistry meters, String outcome) {
        return Counter.builder("osfit.preempt.candidates").tag("outcome", outcome)
                .description("preemption candidate nodes: kept, dropped as unable to run the pod, dropped as unknown to osfit")
                .register(meters);
    }

    /** What osfit made of kube-scheduler's candidates. */
    record Kept(List<PreemptionArgs.NodeVictims> kept, int incompatible, List<String> unknown) {
    }

    /** The ExtenderPreemptionResult for one request body. */
    CompletableFuture<byte[]> answer(byte[] body) {
        PreemptionArgs args = RequestBodies.guarded(matching.decoder()::decodePreemption).apply(body);
        matching.asked(args.pod());
        return matching.matcher(args.pod()).thenApply(RequestBodies.guarded(matcher -> {
            Kept k = keep(args, matcher, matching.preemptionCatalog());
            count(args, k);
            return ExtenderEncoder.preempt(k.kept());
        }));
    }

    /**
     * The candidates to keep: victims present, and a node osfit knows that the pod can run on. Names a
     * complete catalog does not hold, and names no catalog knows, are dropped as unknown.
     */
    static Kept keep(PreemptionArgs args, Matcher matcher, NodeCatalog catalog) {
        List<PreemptionArgs.NodeVictims> kept = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        int incompatible = 0;
        for (PreemptionArgs.NodeVictims candidate : args.candidates()) {
            if (candidate.victimUids().isEmpty()) {
                continue;
            }
            NodePlatform platform = catalog.platformOf(candidate.node());
            if (platform == null || platform == NodePlatform.NOT_INDEXED) {
                unknown.add(candidate.node());
            } else if (matcher.verdict(platform).passes()) {
                kept.add(candidate);
            } else {
                incompatible++;
            }
        }
        return new Kept(kept, incompatible, unknown);
    }

    private void count(PreemptionArgs args, Kept k) {
        kept.increment(k.kept().size());
        incompatible.increment(k.incompatible());
        unknown.increment(k.unknown().size());
        log.debug("preempt {}: kept {} of {} candidates ({} cannot run the pod, {} unknown)", args.pod().ref(), k.kept().size(),
                args.candidates().size(), k.incompatible(), k.unknown().size());
        if (!k.unknown().isEmpty()) {
            long now = System.nanoTime();
            long last = lastUnknownWarn.get();
            if (now - last >= WARN_INTERVAL && lastUnknownWarn.compareAndSet(last, now)) {
                log.warn("preempt {}: dropped {} candidate node(s) osfit has not seen, so nothing is evicted there: {}{} "
                                + "(standalone osfit learns nodes from full-node filter and prioritize requests; at most one such "
                                + "line a minute; metric osfit_preempt_candidates_total{outcome=\"unknown\"})",
                        args.pod().ref(), k.unknown().size(), String.join(", ", k.unknown().subList(0, Math.min(5, k.unknown().size()))),
                        k.unknown().size() > 5 ? ", ..." : "");
            }
        }
    }
}
