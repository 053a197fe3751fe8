package dev.osfit.cluster;

import dev.osfit.match.Isolation;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.NodeV1Api;
import io.kubernetes.client.openapi.models.V1RuntimeClass;
import io.kubernetes.client.openapi.models.V1RuntimeClassList;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The cluster's RuntimeClasses (node.k8s.io/v1), watched: a pod whose RuntimeClass has one of the
 * handlers named in {@code osfit.windows.hyperv-handlers} runs its Windows containers under Hyper-V
 * isolation. A RuntimeClass osfit has not seen (not yet listed, deleted) means process isolation,
 * the stricter rule. A cluster has a handful of RuntimeClasses: the map is their name and handler.
 */
final class RuntimeClasses implements Isolation.ByRuntimeClass, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RuntimeClasses.class);

    private final ApiClient client;
    private final Duration watchTimeout;
    private final Set<String> hyperVHandlers;
    private final Map<String, String> handlers = new ConcurrentHashMap<>();
    private final ListWatchFailures failures = new ListWatchFailures();
    private SharedInformerFactory factory;
    private volatile boolean running;

    RuntimeClasses(ApiClient client, Duration watchTimeout, Set<String> hyperVHandlers) {
        this.client = client;
        this.watchTimeout = watchTimeout;
        this.hyperVHandlers = Set.copyOf(hyperVHandlers);
    }

    @Override
    public Isolation of(String runtimeClassName) {
        String handler = runtimeClassName == null ? null : handlers.get(runtimeClassName);
        return handler != null && hyperVHandlers.contains(handler) ? Isolation.HYPER_V : Isolation.PROCESS;
    }

    @Override
    public synchronized void start() {
        running = true;
        if (hyperVHandlers.isEmpty()) {
            return; // nothing to tell apart: every pod is process isolation
        }
        NodeV1Api api = new NodeV1Api(client);
        factory = new SharedInformerFactory(client);
        SharedIndexInformer<V1RuntimeClass> informer = factory.sharedIndexInformerFor(
                ListWatchCalls.of(failures, watchTimeout, (version, watch, timeout) -> api.listRuntimeClass()
                        .resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null)),
                V1RuntimeClass.class, V1RuntimeClassList.class, 0, this::onListWatchFailure);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1RuntimeClass rc) {
                put(rc);
            }

            @Override
            public void onUpdate(V1RuntimeClass oldRc, V1RuntimeClass newRc) {
                put(newRc);
            }

            @Override
            public void onDelete(V1RuntimeClass rc, boolean deletedFinalStateUnknown) {
                handlers.remove(rc.getMetadata().getName());
            }
        });
        factory.startAllRegisteredInformers();
        log.info("watching RuntimeClasses; handlers {} mean Hyper-V isolation (osfit.windows.hyperv-handlers)", hyperVHandlers);
    }

    private void put(V1RuntimeClass rc) {
        if (rc.getMetadata() != null && rc.getMetadata().getName() != null && rc.getHandler() != null) {
            String before = handlers.put(rc.getMetadata().getName(), rc.getHandler());
            if (!rc.getHandler().equals(before) && hyperVHandlers.contains(rc.getHandler())) {
                log.info("RuntimeClass {} (handler {}): Windows pods using it run under Hyper-V isolation", rc.getMetadata().getName(),
                        rc.getHandler());
            }
        }
    }

    private void onListWatchFailure(Class<V1RuntimeClass> type, Throwable error) {
        String line = failures.failed(error);
        if (line != null && running) { // an informer being stopped fails its last call: not worth a line
            log.warn("listing/watching RuntimeClasses failed: {}; pods are matched under process isolation meanwhile", line);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (factory != null) {
            factory.stopAllRegisteredInformers(true);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
