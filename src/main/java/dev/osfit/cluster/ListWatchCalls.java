package dev.osfit.cluster;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGenerator;
import io.kubernetes.client.util.CallGeneratorParams;
import java.time.Duration;
import okhttp3.Call;

/**
 * The list and watch calls of an osfit informer, all made alike: after failed calls a list waits as
 * {@link ListWatchFailures} says (client-java's reflector would retry every second), and each watch
 * asks the API server to end it after the watch timeout times a random factor in [1, 2), as client-go
 * does, so a quiet cluster costs one WATCH per informer per timeout and no LIST.
 */
final class ListWatchCalls {

    /** One list or watch of a kind: the API call with the reflector's resourceVersion and watch flag, and the timeout to ask for. */
    @FunctionalInterface
    interface Lister {
        Call call(String resourceVersion, Boolean watch, Integer timeoutSeconds) throws ApiException;
    }

    private ListWatchCalls() {
    }

    static CallGenerator of(ListWatchFailures failures, Duration watchTimeout, Lister lister) {
        return (CallGeneratorParams params) -> {
            boolean watch = Boolean.TRUE.equals(params.watch);
            if (!watch) {
                failures.pauseBeforeList();
            }
            return lister.call(params.resourceVersion, params.watch,
                    watch ? Integer.valueOf(ApiTimeouts.watchSeconds(watchTimeout)) : params.timeoutSeconds);
        };
    }
}
