package dev.osfit.cluster;

import dev.osfit.registry.RegistrySource;
import io.kubernetes.client.openapi.models.V1Pod;

/**
 * Resolves the images of pods that are not scheduled yet as soon as they appear (from
 * {@link UnscheduledPods}), so the registry's answer is usually cached before kube-scheduler asks
 * about the pod. Needs list/watch on pods.
 */
final class PodPrefetcher {

    private final RegistrySource registry;
    private final int maxImages;

    PodPrefetcher(UnscheduledPods pods, RegistrySource registry, int maxImages) {
        this.registry = registry;
        this.maxImages = maxImages;
        pods.onPod(this::prefetch);
    }

    private void prefetch(V1Pod pod) {
        PodSpecs.prefetch(registry, pod.getMetadata() == null ? null : pod.getMetadata().getNamespace(), pod.getSpec(), maxImages);
    }
}
