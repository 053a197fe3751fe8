package dev.osfit.cluster;

import dev.osfit.image.ImageRef;
import dev.osfit.registry.RegistrySource;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Resolves the images of pods that are not scheduled yet ({@code spec.nodeName} empty) as soon as
 * they appear, so the registry's answer is usually cached before kube-scheduler asks about the pod.
 * Pods are cut down to their container images before they are cached. Needs list/watch on pods.
 */
final class PodPrefetcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PodPrefetcher.class);

    private final ApiClient client;
    private final RegistrySource registry;
    private final AtomicLong prefetched = new AtomicLong();
    private SharedInformerFactory factory;
    private volatile boolean running;

    PodPrefetcher(ApiClient client, RegistrySource registry) {
        this.client = client;
        this.registry = registry;
    }

    @Override
    public synchronized void start() {
        CoreV1Api api = new CoreV1Api(client);
        factory = new SharedInformerFactory(client);
        SharedIndexInformer<V1Pod> informer = factory.sharedIndexInformerFor(
                params -> api.listPodForAllNamespaces()
                        .fieldSelector("spec.nodeName=")
                        .resourceVersion(params.resourceVersion)
                        .timeoutSeconds(params.timeoutSeconds)
                        .watch(params.watch)
                        .buildCall(null),
                V1Pod.class, V1PodList.class, 0,
                (type, error) -> log.debug("listing/watching unscheduled pods failed: {}", String.valueOf(error)));
        informer.setTransform(PodPrefetcher::images);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Pod pod) {
                prefetch(pod);
            }

            @Override
            public void onUpdate(V1Pod oldPod, V1Pod newPod) {
                prefetch(newPod);
            }

            @Override
            public void onDelete(V1Pod pod, boolean deletedFinalStateUnknown) {
            }
        });
        factory.startAllRegisteredInformers();
        running = true;
        log.info("prefetching the images of unscheduled pods");
    }

    private void prefetch(V1Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
            return;
        }
        for (V1Container c : pod.getSpec().getContainers()) {
            if (c.getImage() != null && ImageRef.parse(c.getImage()) instanceof ImageRef.Valid valid) {
                registry.prefetch(valid.ref());
                prefetched.incrementAndGet();
            }
        }
    }

    /** A pod reduced to its name and the images of all its containers (init containers included). */
    static KubernetesObject images(KubernetesObject obj) {
        if (!(obj instanceof V1Pod pod) || pod.getMetadata() == null) {
            return obj;
        }
        List<V1Container> images = new ArrayList<>();
        if (pod.getSpec() != null) {
            for (List<V1Container> list : java.util.Arrays.asList(pod.getSpec().getInitContainers(), pod.getSpec().getContainers())) {
                if (list != null) {
                    list.forEach(c -> images.add(new V1Container().name(c.getName()).image(c.getImage())));
                }
            }
        }
        return new V1Pod().metadata(new V1ObjectMeta().name(pod.getMetadata().getName()).namespace(pod.getMetadata().getNamespace()))
                .spec(new V1PodSpec().containers(images));
    }

    long prefetched() {
        return prefetched.get();
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
