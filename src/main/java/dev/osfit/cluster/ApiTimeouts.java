package dev.osfit.cluster;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Bounds every call osfit makes to the API server, so that a connection the server accepted but
 * never answers (a server stopping, a half-open connection, a proxy that lost its upstream) cannot
 * stall the node index for good. client-java leaves the read timeout at zero because a watch idles
 * between events; without these bounds a watch blocked before its response headers waits forever
 * and the reflector never lists again.
 *
 * <ul>
 *   <li>The response must begin within {@code requestTimeout}; otherwise the call is cancelled and
 *       the informer retries (it relists a second later).</li>
 *   <li>A list, get or patch may not go silent for longer than {@code requestTimeout} while its body
 *       is read.</li>
 *   <li>A watch asks the server to end it after {@link #watchSeconds} (like client-go: the minimum
 *       times a random factor in [1, 2), so replicas do not rewatch in step); its stream may stay
 *       silent for that long plus {@code requestTimeout}, never longer, since a healthy server has
 *       closed it by then.</li>
 * </ul>
 */
final class ApiTimeouts implements Interceptor {

    private static final ScheduledThreadPoolExecutor DEADLINES = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "osfit-api-deadlines");
        t.setDaemon(true);
        return t;
    });

    static {
        // Nearly every deadline is cancelled when its answer begins: drop those at once.
        DEADLINES.setRemoveOnCancelPolicy(true);
    }

    private final Duration requestTimeout;

    ApiTimeouts(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /** The watch length to ask the server for: {@code minimum} times a random factor in [1, 2). */
    static int watchSeconds(Duration minimum) {
        long seconds = Math.max(1, minimum.toSeconds());
        return (int) Math.min(Integer.MAX_VALUE, seconds + ThreadLocalRandom.current().nextLong(seconds));
    }

    private static String readable(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static boolean isConnectTimeout(IOException e) {
        return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect");
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        long readTimeoutMillis = requestTimeout.toMillis();
        if ("true".equals(request.url().queryParameter("watch"))) {
            String asked = request.url().queryParameter("timeoutSeconds");
            // A watch without a server-side end has no safe bound on its silence.
            readTimeoutMillis = asked == null ? 0 : TimeUnit.SECONDS.toMillis(Long.parseLong(asked)) + requestTimeout.toMillis();
        }
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            expired.set(true);
            chain.call().cancel();
        }, requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            // proceed returns once the response headers are in; the body is read later under the read timeout.
            return chain.withReadTimeout((int) Math.min(Integer.MAX_VALUE, readTimeoutMillis), TimeUnit.MILLISECONDS).proceed(request);
        } catch (IOException e) {
            // The deadline and, for a list or get, the read timeout end the same wait: say so either way.
            if (expired.get() || (e instanceof SocketTimeoutException && !isConnectTimeout(e))) {
                SocketTimeoutException timeout = new SocketTimeoutException(
                        "the API server did not answer within " + readable(requestTimeout) + " (osfit.nodes.request-timeout)");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }
}
