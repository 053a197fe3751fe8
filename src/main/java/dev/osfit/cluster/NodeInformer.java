package dev.osfit.cluster;

import dev.osfit.node.NodeIndex;
import dev.osfit.node.NodePlatform;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Node;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Feeds the {@link NodeIndex} from a client-java SharedIndexInformer on V1Node (list, then watch).
 *
 * <p>Nodes are stripped before they enter the informer's cache: the list by {@link NodeListerWatcher}
 * as it is read, watch events by {@link NodeStripper}. Events update
 * the index's working map; a publisher thread turns changes into a new snapshot every
 * {@code publishInterval}, so a burst of events (the initial list, a relist) costs one snapshot. The
 * index is marked synced from the informer's own cache once the informer reports the first list
 * complete, since handlers are notified asynchronously and may lag behind it. List and watch
 * failures are retried by the informer (every second, relisting after 410 Gone; a call the server
 * does not answer is given up by {@link ApiTimeouts}); osfit keeps serving the last snapshot meanwhile.
 */
final class NodeInformer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NodeInformer.class);

    private final NodeIndex index;
    private final ApiClient client;
    private final Duration publishInterval;
    private final Duration watchTimeout;
    private final ListWatchFailures failures = new ListWatchFailures();
    private SharedInformerFactory factory;
    private SharedIndexInformer<V1Node> informer;
    private ScheduledExecutorService publisher;
    private volatile boolean running;

    NodeInformer(NodeIndex index, ApiClient client, Duration publishInterval, Duration watchTimeout) {
        this.index = index;
        this.client = client;
        this.publishInterval = publishInterval;
        this.watchTimeout = watchTimeout;
    }

    @Override
    public synchronized void start() {
        factory = new SharedInformerFactory(client);
        informer = factory.sharedIndexInformerFor(new NodeListerWatcher(client, watchTimeout, failures::pauseBeforeList), V1Node.class, 0, this::onListWatchFailure);
        informer.setTransform(new NodeStripper());
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Node node) {
                index.put(node.getMetadata().getName(), NodeStripper.platformOf(node));
            }

            @Override
            public void onUpdate(V1Node oldNode, V1Node newNode) {
                if (index.put(newNode.getMetadata().getName(), NodeStripper.platformOf(newNode))) {
                    log.info("node {} now runs {}", newNode.getMetadata().getName(), NodeStripper.platformOf(newNode));
                }
            }

            @Override
            public void onDelete(V1Node node, boolean deletedFinalStateUnknown) {
                index.remove(node.getMetadata().getName());
            }
        });
        publisher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "osfit-node-index");
            t.setDaemon(true);
            return t;
        });
        publisher.scheduleWithFixedDelay(this::publish, publishInterval.toMillis(), publishInterval.toMillis(), TimeUnit.MILLISECONDS);
        factory.startAllRegisteredInformers();
        running = true;
        log.info("watching nodes at {}", client.getBasePath());
    }

    private void publish() {
        try {
            if (!index.synced() && informer.hasSynced()) {
                Map<String, NodePlatform> all = new HashMap<>();
                for (V1Node node : informer.getIndexer().list()) {
                    all.put(node.getMetadata().getName(), NodeStripper.platformOf(node));
                }
                index.replaceAll(all);
                index.markSynced();
                log.info("node index synced: {} nodes", all.size());
            } else {
                index.publishIfChanged();
            }
        } catch (RuntimeException e) {
            log.error("publishing the node index failed", e);
        }
    }

    private void onListWatchFailure(Class<V1Node> type, Throwable error) {
        String line = failures.failed(error);
        if (line != null && running) { // an informer being stopped fails its last call: not worth a line
            log.warn("listing/watching nodes failed: {}; {}", line, index.synced()
                    ? "osfit answers from the node index as it was " + Math.max(0, index.ageMillis() / 1000) + " s ago"
                    : "no node list yet: names-only requests are answered with an error until one arrives");
        }
    }

    /** List and watch failures since start. */
    long failures() {
        return failures.count();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (factory != null) {
            factory.stopAllRegisteredInformers(true);
        }
        if (publisher != null) {
            publisher.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
