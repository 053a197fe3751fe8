package dev.osfit.cluster;

import dev.osfit.kube.NodeReader;
import dev.osfit.node.NodeFacts;
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
        return stripped(node.getMetadata().getName(), NodeReader.facts(node));
    }

    /** A stripped node with these facts. */
    static StrippedNode stripped(String name, NodeFacts facts) {
        Map<String, String> labels = new HashMap<>(8);
        if (facts.os() != null) {
            labels.put(NodeLabels.OS, facts.os().intern());
        } else if (facts.betaOs() != null) {
            labels.put(NodeLabels.BETA_OS, facts.betaOs().intern());
        }
        if (facts.arch() != null) {
            labels.put(NodeLabels.ARCH, facts.arch().intern());
        } else if (facts.betaArch() != null) {
            labels.put(NodeLabels.BETA_ARCH, facts.betaArch().intern());
        }
        if (facts.windowsBuild() != null) {
            labels.put(NodeLabels.WINDOWS_BUILD, facts.windowsBuild().intern());
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
        if (!facts.labelsSuffice() && (facts.nodeInfoOs() != null || facts.nodeInfoArch() != null || facts.kernelVersion() != null)) {
            V1NodeStatus status = new V1NodeStatus().nodeInfo(new V1NodeSystemInfo()
                    .operatingSystem(intern(facts.nodeInfoOs()))
                    .architecture(intern(facts.nodeInfoArch()))
                    .kernelVersion(intern(facts.kernelVersion())));
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
        return NodeReader.facts(node).platform();
    }
}
