package dev.osfit.cluster;

import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.CallGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/**
 * The informers of one osfit component, made, started and stopped together: one factory per informer (a
 * factory keeps one informer per type), list and watch calls of one shape ({@link ListWatchCalls}), and one
 * WARN line per kind of failure ({@link ListWatchFailures}) that says what the failure costs.
 */
final class Watches {

    private final ApiClient client;
    private final Duration watchTimeout;
    private final Logger log;
    private final String consequence;
    private final ListWatchFailures failures = new ListWatchFailures();
    private final List<SharedInformerFactory> factories = new ArrayList<>();
    private volatile boolean running;

    /** @param consequence what a failure means for osfit meanwhile, ending the WARN line */
    Watches(ApiClient client, Duration watchTimeout, Logger log, String consequence) {
        this.client = client;
        this.watchTimeout = watchTimeout;
        this.log = log;
        this.consequence = consequence;
    }

    /** A factory for one more informer; started by {@link #start()}. */
    SharedInformerFactory factory() {
        SharedInformerFactory factory = new SharedInformerFactory(client);
        factories.add(factory);
        return factory;
    }

    CallGenerator calls(ListWatchCalls.Lister lister) {
        return ListWatchCalls.of(failures, watchTimeout, lister);
    }

    /** The informer's failure handler: one line per kind of failure of {@code what}. */
    <T> BiConsumer<Class<T>, Throwable> onFailure(String what) {
        return (type, error) -> {
            String line = failures.failed(error);
            if (line != null && running) { // an informer being stopped fails its last call: not worth a line
                log.warn("listing/watching {} failed: {}; {}", what, line, consequence);
            }
        };
    }

    void start() {
        running = true;
        factories.forEach(SharedInformerFactory::startAllRegisteredInformers);
    }

    void stop() {
        running = false;
        factories.forEach(f -> f.stopAllRegisteredInformers(true));
        factories.clear();
    }

    boolean running() {
        return running;
    }

    long failureCount() {
        return failures.count();
    }
}
