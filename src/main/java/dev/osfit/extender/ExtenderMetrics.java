package dev.osfit.extender;

import dev.osfit.match.Matcher;
import dev.osfit.match.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * What operators watch: {@code osfit.extender.requests} (latency histogram per verb and answer
 * status) and {@code osfit.filter.nodes} (nodes per filter outcome and reason kind; outcome
 * {@code unchecked} for named nodes that standalone osfit passed without a node index). Counting is
 * done per request, once per distinct verdict, never per node.
 */
@Component
class ExtenderMetrics {

    private final MeterRegistry registry;

    ExtenderMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One timer per verb and status, registered once: a registry lookup per request costs more than the recording. */
    private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Records one answered request of this verb. */
    void record(String verb, int status, long nanos) {
        timer(verb, status).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private Timer timer(String verb, int status) {
        return timers.computeIfAbsent(verb + status, k -> Timer.builder("osfit.extender.requests")
                .description("extender requests by verb and answer status")
                .tag("verb", verb).tag("status", String.valueOf(status))
                .serviceLevelObjectives(LatencyBuckets.extender())
                .register(registry));
    }

    /** Counts one filter answer's nodes by outcome and reason kind. */
    void filterOutcomes(RequestNodes nodes, Matcher matcher) {
        // A request has a handful of distinct verdicts: a short linear table beats hashing per node.
        Verdict[] seen = new Verdict[8];
        int[] counts = new int[8];
        int distinct = 0;
        Map<Verdict, int[]> overflow = null;
        int unchecked = 0;
        for (int i = 0; i < nodes.size(); i++) {
            Verdict v = matcher.verdict(nodes.platform(i));
            if (nodes.platform(i) == null && v.passes()) {
                unchecked++; // standalone, names only: passed without a check
                continue;
            }
            int j = 0;
            while (j < distinct && seen[j] != v) {
                j++;
            }
            if (j < distinct) {
                counts[j]++;
            } else if (distinct < seen.length) {
                seen[distinct] = v;
                counts[distinct++] = 1;
            } else {
                if (overflow == null) {
                    overflow = new IdentityHashMap<>();
                }
                overflow.computeIfAbsent(v, k -> new int[1])[0]++;
            }
        }
        for (int j = 0; j < distinct; j++) {
            count(seen[j], counts[j]);
        }
        if (overflow != null) {
            overflow.forEach((v, n) -> count(v, n[0]));
        }
        if (unchecked > 0) {
            Counter.builder("osfit.filter.nodes").description("nodes in filter answers by outcome and reason kind")
                    .tag("outcome", "unchecked").tag("reason", "no_node_index").register(registry).increment(unchecked);
        }
    }

    /** One counter per outcome and reason kind, registered on first use: the registry's lookup costs more than the count. */
    private final Counter[] nodeCounters = new Counter[Verdict.Outcome.values().length * Verdict.Kind.values().length];

    private void count(Verdict verdict, int n) {
        int at = verdict.outcome().ordinal() * Verdict.Kind.values().length + verdict.kind().ordinal();
        Counter c = nodeCounters[at];
        if (c == null) {
            c = nodeCounters[at] = Counter.builder("osfit.filter.nodes")
                    .description("nodes in filter answers by outcome and reason kind")
                    .tag("outcome", verdict.outcome().name().toLowerCase(java.util.Locale.ROOT))
                    .tag("reason", verdict.kind().tag())
                    .register(registry);
        }
        c.increment(n);
    }
}
