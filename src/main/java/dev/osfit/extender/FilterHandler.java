package dev.osfit.extender;

import dev.osfit.match.Verdict;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** POST /filter: ExtenderArgs -> ExtenderFilterResult. */
@Component
class FilterHandler {

    private static final Logger log = LoggerFactory.getLogger(FilterHandler.class);

    private final PodMatching matching;
    private final ExtenderMetrics metrics;

    FilterHandler(PodMatching matching, ExtenderMetrics metrics) {
        this.matching = matching;
        this.metrics = metrics;
    }

    /** The ExtenderFilterResult for one request body: done on return unless an image is being looked up. */
    CompletableFuture<byte[]> answer(byte[] body) {
        CompletableFuture<PodMatching.Matched> matched;
        try {
            matched = matching.match(body);
        } catch (IndexNotReadyException e) {
            // The protocol's own way to fail a filter call: kube-scheduler shows the text in the pod's events.
            return CompletableFuture.completedFuture(ExtenderEncoder.filterError(e.getMessage()));
        }
        return matched.thenApply(RequestBodies.guarded(m -> {
            matching.filtered(m.args().pod());
            byte[] answer = ExtenderEncoder.filter(m.args().nodes(), m.matcher());
            metrics.filterOutcomes(m.args().nodes(), m.matcher());
            warnIfUnchecked(m);
            if (log.isDebugEnabled()) {
                logDecision(m);
            }
            return answer;
        }));
    }

    /** At most one WARN a minute: the misconfiguration is the same on every request. */
    private static final long UNCHECKED_WARN_INTERVAL = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    private final java.util.concurrent.atomic.AtomicLong lastUncheckedWarn = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime() - UNCHECKED_WARN_INTERVAL);

    private void warnIfUnchecked(PodMatching.Matched m) {
        RequestNodes nodes = m.args().nodes();
        if (nodes.full() || nodes.unknownCount() == 0) {
            return;
        }
        long now = System.nanoTime();
        long last = lastUncheckedWarn.get();
        if (now - last >= UNCHECKED_WARN_INTERVAL && lastUncheckedWarn.compareAndSet(last, now)) {
            log.warn("filter {}: {} named nodes passed unchecked: {} (at most one such line a minute; "
                    + "metric osfit_filter_nodes_total{outcome=\"unchecked\"})", m.args().pod().ref(), nodes.unknownCount(),
                    Explanation.NO_NODE_INDEX);
        }
    }

    private static void logDecision(PodMatching.Matched m) {
        RequestNodes nodes = m.args().nodes();
        int[] counts = new int[Verdict.Outcome.values().length];
        for (int i = 0; i < nodes.size(); i++) {
            counts[m.matcher().verdict(nodes.platform(i)).outcome().ordinal()]++;
        }
        log.debug("filter {}: {} nodes ({}): {} pass, {} failed, {} unresolvable, {} not checkable (platform unknown); {}",
                m.args().pod().ref(), nodes.size(), nodes.full() ? "full" : "names",
                counts[Verdict.Outcome.PASS.ordinal()], counts[Verdict.Outcome.FAIL.ordinal()],
                counts[Verdict.Outcome.UNRESOLVABLE.ordinal()], nodes.unknownCount(), m.matcher().requirements());
    }
}
