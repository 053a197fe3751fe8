package dev.osfit.cluster;

import dev.osfit.match.Isolation;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
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
    private final Watches watches;
    private final Set<String> hyperVHandlers;
    private final Map<String, String> handlers = new ConcurrentHashMap<>();

    RuntimeClasses(ApiClient client, Duration watchTimeout, Set<String> hyperVHandlers) {
        this.client = client;
        this.watches = new Watches(client, watchTimeout, log, "pods are matched under process isolation meanwhile");
        this.hyperVHandlers = Set.copyOf(hyperVHandlers);
    }

    @Override
    public Isolation of(String runtimeClassName) {
        String handler = runtimeClassName == null ? null : handlers.get(runtimeClassName);
        return handler != null && hyperVHandlers.contains(handler) ? Isolation.HYPER_V : Isolation.PROCESS;
    }

    @Override
    public synchronized void start() {
        if (hyperVHandlers.isEmpty()) {
            watches.start(); // nothing to tell apart: every pod is process isolation, nothing watched
            return;
        }
        NodeV1Api api = new NodeV1Api(client);
        SharedIndexInformer<V1RuntimeClass> informer = watches.factory().sharedIndexInformerFor(
                watches.calls((version, watch, timeout) -> api.listRuntimeClass()
                        .resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null)),
                V1RuntimeClass.class, V1RuntimeClassList.class, 0, watches.onFailure("RuntimeClasses"));
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
        watches.start();
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

    @Override
    public synchronized void stop() {
        watches.stop();
    }

    @Override
    public boolean isRunning() {
        return watches.running();
    }
}
