package dev.osfit.extender;

import java.time.Duration;
import java.util.Arrays;

/**
 * The latency histograms' buckets: a few chosen for an extender's latencies and the timeouts around it,
 * where a percentile histogram publishes 70-odd buckets per series (and per verb and status).
 */
public final class LatencyBuckets {

    private static final Duration[] EXTENDER = {Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5)};

    private LatencyBuckets() {
    }

    /** 250 µs to 5 s: the shipped scheduler configs' httpTimeout is 2 s, kube-scheduler's default 5 s. */
    public static Duration[] extender() {
        return EXTENDER.clone();
    }

    /** The same and 10 s, the API server's default timeout for a webhook. */
    public static Duration[] webhook() {
        Duration[] b = Arrays.copyOf(EXTENDER, EXTENDER.length + 1);
        b[EXTENDER.length] = Duration.ofSeconds(10);
        return b;
    }
}
