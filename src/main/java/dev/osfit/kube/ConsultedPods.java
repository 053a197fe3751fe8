package dev.osfit.kube;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which pods kube-scheduler asked osfit about, and which schedulers ask at all: the placement audit
 * compares a bound pod with this to tell a pod placed without osfit's answer (an ignorable extender that
 * kube-scheduler could not reach) from one placed by a scheduler that never consults osfit.
 *
 * <p>Bounded: pod UIDs by count (200,000) and age ({@code remember}); scheduler names by count (64; a
 * name comes from a pod's spec, which a pod author writes).
 */
public final class ConsultedPods {

    static final int MAX_SCHEDULERS = 64;
    /** What the API server fills in when a pod names no scheduler. */
    public static final String DEFAULT_SCHEDULER = "default-scheduler";

    private final Cache<String, Boolean> uids;
    private final Set<String> schedulers = ConcurrentHashMap.newKeySet();

    public ConsultedPods(Duration remember) {
        this.uids = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(remember).build();
    }

    /**
     * kube-scheduler asked about this pod (a filter, prioritize or preempt call); {@code filtered} when
     * osfit answered its filter with a verdict, so that kube-scheduler chose among the nodes osfit passed.
     */
    public void record(String uid, String schedulerName, boolean filtered) {
        if (uid == null || uid.isEmpty() || uid.length() > 64) {
            return;
        }
        uids.asMap().merge(uid, filtered, Boolean::logicalOr);
        String scheduler = schedulerName == null || schedulerName.isEmpty() ? DEFAULT_SCHEDULER : schedulerName;
        if (schedulers.size() < MAX_SCHEDULERS && scheduler.length() <= 253) {
            schedulers.add(scheduler);
        }
    }

    /** True when osfit was asked about this pod within the remembered time. */
    public boolean consulted(String uid) {
        return uid != null && uids.getIfPresent(uid) != null;
    }

    /** True when osfit answered this pod's filter with a verdict within the remembered time. */
    public boolean filtered(String uid) {
        return uid != null && Boolean.TRUE.equals(uids.getIfPresent(uid));
    }

    /** True when a scheduler of this name has asked osfit about some pod: it has osfit as its extender. */
    public boolean consults(String schedulerName) {
        return schedulers.contains(schedulerName == null || schedulerName.isEmpty() ? DEFAULT_SCHEDULER : schedulerName);
    }
}
