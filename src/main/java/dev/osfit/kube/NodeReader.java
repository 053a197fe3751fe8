package dev.osfit.kube;

import static dev.osfit.kube.JsonFields.forEachField;

import dev.osfit.node.NodeFacts;
import dev.osfit.node.NodeLabels;
import dev.osfit.node.NodePlatform;
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
 * skipped without building strings. One reader per parse, reused for every node of a list; reading
 * a node allocates nothing but the strings kept. Not thread-safe.
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

    // The parser of the node being read, and the field readers, made once per reader rather than per node.
    private JsonParser p;
    private final JsonFields.FieldReader node = (key, t) -> switch (key) {
        case "metadata" -> t == JsonToken.START_OBJECT && readMetadata();
        case "status" -> t == JsonToken.START_OBJECT && readStatus();
        default -> false;
    };
    private final JsonFields.FieldReader metadata = this::metadataField;
    private final JsonFields.FieldReader labels = this::label;
    private final JsonFields.FieldReader status = (key, t) -> key.equals("nodeInfo") && t == JsonToken.START_OBJECT && readNodeInfo();
    private final JsonFields.FieldReader nodeInfo = this::nodeInfoField;

    /**
     * Reads the rest of a node object whose START_OBJECT the parser has just returned, up to and
     * including its END_OBJECT. The node is {@code listPath[index]} in error messages.
     */
    public NodeReader read(JsonParser p, String listPath, int index) {
        this.listPath = listPath;
        this.index = index;
        this.p = p;
        name = os = betaOs = arch = betaArch = windowsBuild = nodeInfoOs = nodeInfoArch = kernelVersion = null;
        forEachField(p, node);
        return this;
    }

    /** metadata.name of the node just read, or null. */
    public String name() {
        return name;
    }

    /** The platform of the node just read (no {@link NodeFacts} built: this runs once per node of a list). */
    public NodePlatform platform() {
        return NodeFacts.platform(os, betaOs, arch, betaArch, windowsBuild, nodeInfoOs, nodeInfoArch, kernelVersion);
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
    private String str(JsonToken t, String field) {
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        return JsonFields.string(p, t, t == JsonToken.VALUE_NULL ? "" : where() + field);
    }

    private boolean readMetadata() {
        forEachField(p, metadata);
        return true;
    }

    private boolean metadataField(String key, JsonToken t) {
        if (key.equals("name")) {
            name = str(t, ".metadata.name");
            return true;
        }
        if (key.equals("labels") && t == JsonToken.START_OBJECT) {
            forEachField(p, labels);
            return true;
        }
        return false;
    }

    private boolean label(String label, JsonToken v) {
        switch (label) {
            case NodeLabels.OS -> os = str(v, ".metadata.labels." + NodeLabels.OS);
            case NodeLabels.BETA_OS -> betaOs = str(v, ".metadata.labels." + NodeLabels.BETA_OS);
            case NodeLabels.ARCH -> arch = str(v, ".metadata.labels." + NodeLabels.ARCH);
            case NodeLabels.BETA_ARCH -> betaArch = str(v, ".metadata.labels." + NodeLabels.BETA_ARCH);
            case NodeLabels.WINDOWS_BUILD -> windowsBuild = str(v, ".metadata.labels." + NodeLabels.WINDOWS_BUILD);
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean readStatus() {
        forEachField(p, status);
        return true;
    }

    private boolean readNodeInfo() {
        forEachField(p, nodeInfo);
        return true;
    }

    private boolean nodeInfoField(String field, JsonToken v) {
        switch (field) {
            case "operatingSystem" -> nodeInfoOs = str(v, ".status.nodeInfo.operatingSystem");
            case "architecture" -> nodeInfoArch = str(v, ".status.nodeInfo.architecture");
            case "kernelVersion" -> kernelVersion = str(v, ".status.nodeInfo.kernelVersion");
            default -> {
                return false;
            }
        }
        return true;
    }
}
