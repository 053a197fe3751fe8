package dev.osfit.cluster;

import dev.osfit.image.ImageRef;
import dev.osfit.image.PullContext;
import dev.osfit.registry.RegistrySource;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1LocalObjectReference;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What an image prefetch needs of a pod spec (a pod's, or a workload's template), and the prefetch itself. */
final class PodSpecs {

    private PodSpecs() {
    }

    /** The spec cut to its containers' names and images, its service account and pull secret names (cut at 16). */
    static V1PodSpec forLookup(V1PodSpec spec) {
        V1PodSpec out = new V1PodSpec().containers(new ArrayList<>());
        if (spec == null) {
            return out;
        }
        for (List<V1Container> list : java.util.Arrays.asList(spec.getInitContainers(), spec.getContainers())) {
            if (list != null) {
                list.forEach(c -> out.addContainersItem(new V1Container().name(c.getName()).image(c.getImage())));
            }
        }
        out.serviceAccountName(spec.getServiceAccountName());
        if (spec.getImagePullSecrets() != null) {
            spec.getImagePullSecrets().stream().filter(r -> r != null && r.getName() != null).limit(PullContext.MAX_SECRETS)
                    .forEach(r -> out.addImagePullSecretsItem(new V1LocalObjectReference().name(r.getName())));
        }
        return out;
    }

    /**
     * Starts the registry lookups of the spec's images (at most {@code maxImages} distinct ones: the spec's
     * author chooses how many), with its pull credentials; returns how many it started or found cached.
     */
    static int prefetch(RegistrySource registry, String namespace, V1PodSpec spec, int maxImages) {
        if (spec == null) {
            return 0;
        }
        Set<String> images = new LinkedHashSet<>();
        for (List<V1Container> list : java.util.Arrays.asList(spec.getInitContainers(), spec.getContainers())) {
            if (list != null) {
                for (V1Container c : list) {
                    if (c.getImage() != null && images.size() < maxImages) {
                        images.add(c.getImage());
                    }
                }
            }
        }
        List<String> secrets = spec.getImagePullSecrets() == null ? List.of()
                : spec.getImagePullSecrets().stream().map(V1LocalObjectReference::getName).toList();
        PullContext requester = new PullContext(namespace, spec.getServiceAccountName(), secrets);
        int n = 0;
        for (String image : images) {
            if (ImageRef.parse(image) instanceof ImageRef.Valid valid) {
                registry.prefetch(valid.ref(), requester);
                n++;
            }
        }
        return n;
    }
}
