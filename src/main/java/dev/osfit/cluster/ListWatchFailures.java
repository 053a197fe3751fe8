package dev.osfit.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts an informer's list/watch failures and says which to log: the first three, then one in
 * sixty, since the informer retries every second and an API server away for an hour would otherwise
 * write 3600 lines.
 */
final class ListWatchFailures {

    private final AtomicLong count = new AtomicLong();

    /** Counts one failure; true when this one should be logged. */
    boolean countAndLog() {
        long n = count.incrementAndGet();
        return n <= 3 || n % 60 == 0;
    }

    long count() {
        return count.get();
    }
}
