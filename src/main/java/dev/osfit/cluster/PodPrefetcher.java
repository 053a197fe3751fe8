package dev.osfit.cluster;

import dev.osfit.image.ImageRef;
import dev.osfit.registry.RegistrySource;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.Arrays;
import java.util.List;

/**
 * Resolves the images of pods that are not scheduled yet as soon as they appear (from
 * {@link UnscheduledPods}), so the registry's answer is usually cached before kube-scheduler asks
 * about the pod. Needs list/watch on pods.
 */
final class PodPrefetcher {

    private final RegistrySource registry;

    PodPrefetcher(UnscheduledPods pods, RegistrySource registry) {
        this.registry = registry;
        pods.onPod(this::prefetch);
    }

    private void prefetch(V1Pod pod) {
        if (pod.getSpec() == null) {
            return;
        }
        for (List<V1Container> list : Arrays.asList(pod.getSpec().getInitContainers(), pod.getSpec().getContainers())) {
            if (list == null) {
                continue;
            }
            for (V1Container c : list) {
                if (c.getImage() != null && ImageRef.parse(c.getImage()) instanceof ImageRef.Valid valid) {
                    registry.prefetch(valid.ref());
                }
            }
        }
    }
}
