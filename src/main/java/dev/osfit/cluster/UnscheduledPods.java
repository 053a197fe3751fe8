package dev.osfit.cluster;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * One list + watch of the pods not scheduled yet ({@code spec.nodeName} empty), shared by the image
 * prefetch and the scheduling gate controller, so the API server serves one watch whatever is on.
 * Pods are cut down before they are cached: a pod with scheduling gates is kept whole (the gate
 * controller patches it), any other keeps its name, namespace, uid and container images. Watches
 * nothing unless someone listens. Watch events are read straight into the cut-down pod ({@link PodListerWatcher}).
 */
public final class UnscheduledPods implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UnscheduledPods.class);

    private final ApiClient client;
    private final Duration watchTimeout;
    private final List<Consumer<V1Pod>> listeners = new ArrayList<>();
    private final List<Consumer<V1Pod>> leaveListeners = new ArrayList<>();
    private SharedInformerFactory factory;
    private SharedIndexInformer<V1Pod> informer;
    private final ListWatchFailures failures = new ListWatchFailures();
    private volatile boolean running;

    public UnscheduledPods(ApiClient client, Duration watchTimeout) {
        this.client = client;
        this.watchTimeout = watchTimeout;
    }

    /** Called with each pod added or updated, on the informer's thread: return quickly. Before {@link #start}. */
    public synchronized void onPod(Consumer<V1Pod> listener) {
        listeners.add(listener);
    }

    /**
     * Called with each pod that leaves the set (bound to a node, or deleted while pending), cut down as
     * {@link #strip} says, on the informer's thread: return quickly. Before {@link #start}.
     */
    public synchronized void onLeave(Consumer<V1Pod> listener) {
        leaveListeners.add(listener);
    }

    @Override
    public synchronized void start() {
        running = true;
        if (listeners.isEmpty() && leaveListeners.isEmpty()) {
            return;
        }
        CoreV1Api api = new CoreV1Api(client);
        factory = new SharedInformerFactory(client);
        informer = factory.sharedIndexInformerFor(new PodListerWatcher(client,
                ListWatchCalls.of(failures, watchTimeout, (version, watch, timeout) -> api.listPodForAllNamespaces()
                        .fieldSelector("spec.nodeName=").resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null))),
                V1Pod.class, 0, this::onListWatchFailure);
        informer.setTransform(UnscheduledPods::strip);
        List<Consumer<V1Pod>> all = List.copyOf(listeners);
        List<Consumer<V1Pod>> leaving = List.copyOf(leaveListeners);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Pod pod) {
                all.forEach(l -> l.accept(pod));
            }

            @Override
            public void onUpdate(V1Pod oldPod, V1Pod newPod) {
                all.forEach(l -> l.accept(newPod));
            }

            @Override
            public void onDelete(V1Pod pod, boolean deletedFinalStateUnknown) {
                leaving.forEach(l -> l.accept(pod));
            }
        });
        factory.startAllRegisteredInformers();
        log.info("watching unscheduled pods ({} listeners)", all.size() + leaving.size());
    }

    private void onListWatchFailure(Class<V1Pod> type, Throwable error) {
        String line = failures.failed(error);
        if (line != null && running) { // an informer being stopped fails its last call: not worth a line
            log.warn("listing/watching unscheduled pods failed: {}; image prefetch, gate release and the placement audit wait", line);
        }
    }

    /** List and watch failures since start. */
    public long failures() {
        return failures.count();
    }

    /** The cached pods (cut down as {@link #strip} says); empty before the first list. */
    public List<V1Pod> cached() {
        SharedIndexInformer<V1Pod> i = informer;
        return i == null ? List.of() : i.getIndexer().list();
    }

    /** A pod with scheduling gates whole; any other reduced to its identity and container images. */
    static KubernetesObject strip(KubernetesObject obj) {
        if (!(obj instanceof V1Pod pod) || pod.getMetadata() == null) {
            return obj;
        }
        if (pod.getSpec() != null && pod.getSpec().getSchedulingGates() != null && !pod.getSpec().getSchedulingGates().isEmpty()) {
            return pod;
        }
        V1ObjectMeta m = pod.getMetadata();
        return new V1Pod().metadata(new V1ObjectMeta().name(m.getName()).namespace(m.getNamespace()).uid(m.getUid()))
                .spec(PodSpecs.forLookup(pod.getSpec()));
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (factory != null) {
            factory.stopAllRegisteredInformers(true);
            factory = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
