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
import java.util.Map;

/**
 * Keeps of each node only what its platform is read from, before the node enters the informer's
 * cache. A kubelet-reported node is about 12 KB of JSON (managedFields, 40 status.images); a
 * {@link StrippedNode} is a few hundred bytes: its name, the platform labels (the beta ones only where
 * the current ones are missing) in a compact map, and status.nodeInfo only when the labels leave
 * something open (a Windows node's revision, a node without labels). Repeated strings are interned.
 */
final class NodeStripper implements TransformFunc {

    /** A node already reduced to what osfit reads; passes the transform unchanged. */
    static final class StrippedNode extends V1Node {
    }

    @Override
    public KubernetesObject transform(KubernetesObject obj) {
        if (obj instanceof StrippedNode || !(obj instanceof V1Node node) || node.getMetadata() == null) {
            return obj;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        V1NodeSystemInfo info = node.getStatus() == null ? null : node.getStatus().getNodeInfo();
        return stripped(node.getMetadata().getName(), labels.get(NodeLabels.OS), labels.get(NodeLabels.BETA_OS),
                labels.get(NodeLabels.ARCH), labels.get(NodeLabels.BETA_ARCH), labels.get(NodeLabels.WINDOWS_BUILD),
                info == null ? null : info.getOperatingSystem(), info == null ? null : info.getArchitecture(),
                info == null ? null : info.getKernelVersion());
    }

    /** A stripped node from these fields (any may be null). */
    static StrippedNode stripped(String name, String os, String betaOs, String arch, String betaArch, String windowsBuild,
                                 String nodeInfoOs, String nodeInfoArch, String kernelVersion) {
        Map<String, String> labels = new HashMap<>(8);
        if (os != null) {
            labels.put(NodeLabels.OS, os.intern());
        } else if (betaOs != null) {
            labels.put(NodeLabels.BETA_OS, betaOs.intern());
        }
        if (arch != null) {
            labels.put(NodeLabels.ARCH, arch.intern());
        } else if (betaArch != null) {
            labels.put(NodeLabels.BETA_ARCH, betaArch.intern());
        }
        if (windowsBuild != null) {
            labels.put(NodeLabels.WINDOWS_BUILD, windowsBuild.intern());
        }
        V1ObjectMeta meta = new V1ObjectMeta().name(name);
        // The generated models start every collection out empty; a cached node keeps none of them.
        meta.setLabels(labels.isEmpty() ? null : Map.copyOf(labels));
        meta.setAnnotations(null);
        meta.setFinalizers(null);
        meta.setManagedFields(null);
        meta.setOwnerReferences(null);
        StrippedNode stripped = new StrippedNode();
        stripped.setMetadata(meta);
        String effectiveOs = os != null ? os : betaOs;
        boolean labelsSuffice = effectiveOs != null && (arch != null || betaArch != null) && !"windows".equals(effectiveOs);
        if (!labelsSuffice && (nodeInfoOs != null || nodeInfoArch != null || kernelVersion != null)) {
            V1NodeStatus status = new V1NodeStatus().nodeInfo(new V1NodeSystemInfo()
                    .operatingSystem(intern(nodeInfoOs))
                    .architecture(intern(nodeInfoArch))
                    .kernelVersion(intern(kernelVersion)));
            status.setAddresses(null);
            status.setAllocatable(null);
            status.setCapacity(null);
            status.setConditions(null);
            status.setDeclaredFeatures(null);
            status.setImages(null);
            status.setRuntimeHandlers(null);
            status.setVolumesAttached(null);
            status.setVolumesInUse(null);
            stripped.setStatus(status);
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
