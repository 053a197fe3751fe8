package dev.osfit.cluster;

import io.kubernetes.client.openapi.ApiException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An informer's list/watch failures: counted, retried with a growing pause, and logged as one line per
 * kind of failure. client-java's informer retries a second after each failure; for an API server away
 * for an hour that was 3600 attempts and lines per informer. Now the n-th failure in a row is followed
 * by a pause of 2^(n-1) seconds before the next list (1, 2, 4, ... at most 30 s), and a line is logged
 * when the kind of failure changes or every 5 minutes while it lasts, never with HTTP headers.
 */
final class ListWatchFailures {

    static final long MAX_PAUSE_MILLIS = 30_000;
    static final long REMIND_NANOS = TimeUnit.MINUTES.toNanos(5);
    /** Failures further apart than this are not in a row: the informer was healthy in between. */
    static final long IN_A_ROW_NANOS = TimeUnit.MILLISECONDS.toNanos(2 * MAX_PAUSE_MILLIS);

    private final AtomicLong count = new AtomicLong();
    private int inARow;
    private long lastFailureNanos;
    private String lastKind;
    private long lastLoggedNanos;

    /** Counts one failure; the line to log about it, or null when nothing new is to be said. */
    synchronized String failed(Throwable error) {
        count.incrementAndGet();
        long now = System.nanoTime();
        inARow = lastFailureNanos != 0 && now - lastFailureNanos < IN_A_ROW_NANOS ? inARow + 1 : 1;
        lastFailureNanos = now;
        String kind = describe(error);
        if (kind.equals(lastKind) && now - lastLoggedNanos < REMIND_NANOS) {
            return null;
        }
        lastKind = kind;
        lastLoggedNanos = now;
        return kind + " (" + inARow + (inARow == 1 ? " attempt" : " attempts in a row") + ", " + count.get() + " since start; next in "
                + (pauseMillis() / 1000 + 1) + " s)";
    }

    /** How long to wait before the next list, beyond the second the informer itself waits. */
    synchronized long pauseMillis() {
        if (inARow <= 1 || System.nanoTime() - lastFailureNanos > IN_A_ROW_NANOS) {
            return 0;
        }
        return Math.min(MAX_PAUSE_MILLIS, 1000L << Math.min(inARow - 1, 20)) - 1000;
    }

    /** Called on the informer's thread before each list: waits out the pause (an interrupt ends it). */
    void pauseBeforeList() {
        long millis = pauseMillis();
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    long count() {
        return count.get();
    }

    /** One line, no headers: what went wrong, as an operator would look for it. */
    static String describe(Throwable error) {
        if (error instanceof ApiException api) {
            if (api.getCode() == 0) {
                Throwable root = api;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                return "cannot reach the API server (" + root.getClass().getSimpleName()
                        + (root.getMessage() != null ? ": " + root.getMessage() : "") + ")";
            }
            String body = api.getResponseBody();
            String message = null;
            if (body != null) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"([^\"]{0,300})").matcher(body);
                message = m.find() ? m.group(1) : null;
            }
            return "the API server answered HTTP " + api.getCode() + (message != null ? ": " + message : "");
        }
        String m = error.getMessage();
        return error.getClass().getSimpleName() + (m != null ? ": " + (m.length() > 300 ? m.substring(0, 300) + "..." : m) : "");
    }
}
