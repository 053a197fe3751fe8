package dev.osfit.cluster;

import dev.osfit.node.NodeLabels;
import dev.osfit.node.NodePlatform;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.TransformFunc;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1NodeSystemInfo;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The informer's transform: keeps of each node only its name, the platform labels and the three
 * nodeInfo fields osfit reads, before the node enters the informer's cache. A kubelet-reported node
 * is about 12 KB of JSON (managedFields, 40 status.images); what stays is a few hundred bytes, and
 * its repeated strings (os, arch, build, kernel) are shared between nodes.
 */
final class NodeStripper implements TransformFunc {

    private static final List<String> KEPT_LABELS = List.of(NodeLabels.OS, NodeLabels.ARCH, NodeLabels.WINDOWS_BUILD,
            NodeLabels.BETA_OS, NodeLabels.BETA_ARCH);

    @Override
    public KubernetesObject transform(KubernetesObject obj) {
        if (!(obj instanceof V1Node node) || node.getMetadata() == null) {
            return obj;
        }
        V1ObjectMeta meta = node.getMetadata();
        Map<String, String> labels = null;
        if (meta.getLabels() != null) {
            for (String key : KEPT_LABELS) {
                String value = meta.getLabels().get(key);
                if (value != null) {
                    if (labels == null) {
                        labels = new HashMap<>(8);
                    }
                    labels.put(key, value.intern());
                }
            }
        }
        V1NodeSystemInfo info = node.getStatus() == null ? null : node.getStatus().getNodeInfo();
        V1ObjectMeta keptMeta = new V1ObjectMeta().name(meta.getName());
        // The generated models start every collection out empty; a cached node keeps none of them.
        keptMeta.setLabels(labels);
        keptMeta.setAnnotations(null);
        keptMeta.setFinalizers(null);
        keptMeta.setManagedFields(null);
        keptMeta.setOwnerReferences(null);
        V1Node stripped = new V1Node().metadata(keptMeta);
        if (info != null) {
            V1NodeStatus status = new V1NodeStatus().nodeInfo(new V1NodeSystemInfo()
                    .operatingSystem(intern(info.getOperatingSystem()))
                    .architecture(intern(info.getArchitecture()))
                    .kernelVersion(intern(info.getKernelVersion())));
            status.setAddresses(null);
            status.setAllocatable(null);
            status.setCapacity(null);
            status.setConditions(null);
            status.setDeclaredFeatures(null);
            status.setImages(null);
            status.setRuntimeHandlers(null);
            status.setVolumesAttached(null);
            status.setVolumesInUse(null);
            stripped.status(status);
        }
        return stripped;
    }

    private static String intern(String s) {
        return s == null ? null : s.intern();
    }

    /** The platform a (stripped or full) node reports. */
    static NodePlatform platformOf(V1Node node) {
        Map<String, String> labels = node.getMetadata() == null || node.getMetadata().getLabels() == null
                ? Map.of() : node.getMetadata().getLabels();
        V1NodeSystemInfo info = node.getStatus() == null ? null : node.getStatus().getNodeInfo();
        return NodePlatform.fromNode(labels.get(NodeLabels.OS), labels.get(NodeLabels.BETA_OS), labels.get(NodeLabels.ARCH),
                labels.get(NodeLabels.BETA_ARCH), labels.get(NodeLabels.WINDOWS_BUILD),
                info == null ? null : info.getOperatingSystem(), info == null ? null : info.getArchitecture(),
                info == null ? null : info.getKernelVersion());
    }
}
