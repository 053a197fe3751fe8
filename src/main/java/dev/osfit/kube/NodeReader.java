package dev.osfit.kube;

import static dev.osfit.kube.JsonFields.forEachField;

import dev.osfit.node.NodeFacts;
import dev.osfit.node.NodeLabels;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeSystemInfo;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads a v1.Node's {@link NodeFacts}: from a streaming parser positioned inside the node object
 * (kube-scheduler's full-node requests, the informer's list), or from a client-java model (watch
 * events). From JSON only metadata.name, the platform labels and status.nodeInfo operatingSystem,
 * architecture and kernelVersion are read; everything else (managedFields, images, conditions) is
 * skipped without building strings. One reader per parse, reused for every node of a list.
 */
public final class NodeReader {

    private String name;
    private String os;
    private String betaOs;
    private String arch;
    private String betaArch;
    private String windowsBuild;
    private String nodeInfoOs;
    private String nodeInfoArch;
    private String kernelVersion;

    // Where the node is, for error messages only: built when something is wrong, never per node.
    private String listPath;
    private int index;

    /**
     * Reads the rest of a node object whose START_OBJECT the parser has just returned, up to and
     * including its END_OBJECT. The node is {@code listPath[index]} in error messages.
     */
    public NodeReader read(JsonParser p, String listPath, int index) {
        this.listPath = listPath;
        this.index = index;
        name = os = betaOs = arch = betaArch = windowsBuild = nodeInfoOs = nodeInfoArch = kernelVersion = null;
        forEachField(p, (key, t) -> switch (key) {
            case "metadata" -> t == JsonToken.START_OBJECT && readMetadata(p);
            case "status" -> t == JsonToken.START_OBJECT && readStatus(p);
            default -> false;
        });
        return this;
    }

    /** metadata.name of the node just read, or null. */
    public String name() {
        return name;
    }

    /** The facts of the node just read. */
    public NodeFacts facts() {
        return new NodeFacts(os, betaOs, arch, betaArch, windowsBuild, nodeInfoOs, nodeInfoArch, kernelVersion);
    }

    /** The facts a client-java node carries (a full one, or one the informer cut down). */
    public static NodeFacts facts(V1Node node) {
        Map<String, String> labels = node.getMetadata() == null || node.getMetadata().getLabels() == null
                ? Map.of() : node.getMetadata().getLabels();
        V1NodeSystemInfo info = node.getStatus() == null ? null : node.getStatus().getNodeInfo();
        return new NodeFacts(labels.get(NodeLabels.OS), labels.get(NodeLabels.BETA_OS), labels.get(NodeLabels.ARCH),
                labels.get(NodeLabels.BETA_ARCH), labels.get(NodeLabels.WINDOWS_BUILD),
                info == null ? null : info.getOperatingSystem(), info == null ? null : info.getArchitecture(),
                info == null ? null : info.getKernelVersion());
    }

    /** "Nodes.items[3]": where this node is, for messages. */
    public String where() {
        return listPath + "[" + index + "]";
    }

    /** A string value; {@code field} is appended to {@link #where()} only in the error message, never per node. */
    private String str(JsonParser p, JsonToken t, String field) {
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        return JsonFields.string(p, t, t == JsonToken.VALUE_NULL ? "" : where() + field);
    }

    private boolean readMetadata(JsonParser p) {
        forEachField(p, (key, t) -> {
            if (key.equals("name")) {
                name = str(p, t, ".metadata.name");
                return true;
            }
            return key.equals("labels") && t == JsonToken.START_OBJECT && readLabels(p);
        });
        return true;
    }

    private boolean readLabels(JsonParser p) {
        forEachField(p, (label, v) -> {
            switch (label) {
                case NodeLabels.OS -> os = str(p, v, ".metadata.labels." + NodeLabels.OS);
                case NodeLabels.BETA_OS -> betaOs = str(p, v, ".metadata.labels." + NodeLabels.BETA_OS);
                case NodeLabels.ARCH -> arch = str(p, v, ".metadata.labels." + NodeLabels.ARCH);
                case NodeLabels.BETA_ARCH -> betaArch = str(p, v, ".metadata.labels." + NodeLabels.BETA_ARCH);
                case NodeLabels.WINDOWS_BUILD -> windowsBuild = str(p, v, ".metadata.labels." + NodeLabels.WINDOWS_BUILD);
                default -> {
                    return false;
                }
            }
            return true;
        });
        return true;
    }

    private boolean readStatus(JsonParser p) {
        forEachField(p, (key, t) -> key.equals("nodeInfo") && t == JsonToken.START_OBJECT && readNodeInfo(p));
        return true;
    }

    private boolean readNodeInfo(JsonParser p) {
        forEachField(p, (field, v) -> {
            switch (field) {
                case "operatingSystem" -> nodeInfoOs = str(p, v, ".status.nodeInfo.operatingSystem");
                case "architecture" -> nodeInfoArch = str(p, v, ".status.nodeInfo.architecture");
                case "kernelVersion" -> kernelVersion = str(p, v, ".status.nodeInfo.kernelVersion");
                default -> {
                    return false;
                }
            }
            return true;
        });
        return true;
    }
}
