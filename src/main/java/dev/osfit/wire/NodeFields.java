package dev.osfit.wire;

import dev.osfit.node.NodeLabels;
import dev.osfit.node.NodePlatform;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The few fields of a v1.Node osfit reads, filled from a streaming parser positioned inside the
 * node object: metadata.name, the platform labels, and status.nodeInfo operatingSystem,
 * architecture and kernelVersion. Everything else (managedFields, images, conditions) is skipped
 * without building strings. Reusable: {@link #read} clears it first.
 */
public final class NodeFields {

    public String name;
    public String os;
    public String betaOs;
    public String arch;
    public String betaArch;
    public String windowsBuild;
    public String nodeInfoOs;
    public String nodeInfoArch;
    public String kernelVersion;

    // Where the node is, for error messages only: built when something is wrong, never per node.
    private String listPath;
    private int index;

    /**
     * Reads the rest of a node object whose START_OBJECT the parser has just returned, up to and
     * including its END_OBJECT. The node is {@code listPath[index]} in error messages.
     */
    public NodeFields read(JsonParser p, String listPath, int index) {
        this.listPath = listPath;
        this.index = index;
        name = os = betaOs = arch = betaArch = windowsBuild = nodeInfoOs = nodeInfoArch = kernelVersion = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (key.equals("metadata") && t == JsonToken.START_OBJECT) {
                readMetadata(p);
            } else if (key.equals("status") && t == JsonToken.START_OBJECT) {
                readStatus(p);
            } else {
                p.skipChildren();
            }
        }
        return this;
    }

    /** The platform these fields describe. */
    public NodePlatform platform() {
        return NodePlatform.fromNode(os, betaOs, arch, betaArch, windowsBuild, nodeInfoOs, nodeInfoArch, kernelVersion);
    }

    /** "Nodes.items[3]": where this node is, for messages. */
    public String where() {
        return listPath + "[" + index + "]";
    }

    private void readMetadata(JsonParser p) {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (key.equals("name")) {
                name = string(p, t, ".metadata.name");
            } else if (key.equals("labels") && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String label = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (label) {
                        case NodeLabels.OS -> os = string(p, v, ".metadata.labels." + NodeLabels.OS);
                        case NodeLabels.BETA_OS -> betaOs = string(p, v, ".metadata.labels." + NodeLabels.BETA_OS);
                        case NodeLabels.ARCH -> arch = string(p, v, ".metadata.labels." + NodeLabels.ARCH);
                        case NodeLabels.BETA_ARCH -> betaArch = string(p, v, ".metadata.labels." + NodeLabels.BETA_ARCH);
                        case NodeLabels.WINDOWS_BUILD -> windowsBuild = string(p, v, ".metadata.labels." + NodeLabels.WINDOWS_BUILD);
                        default -> p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private void readStatus(JsonParser p) {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (key.equals("nodeInfo") && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (field) {
                        case "operatingSystem" -> nodeInfoOs = string(p, v, ".status.nodeInfo.operatingSystem");
                        case "architecture" -> nodeInfoArch = string(p, v, ".status.nodeInfo.architecture");
                        case "kernelVersion" -> kernelVersion = string(p, v, ".status.nodeInfo.kernelVersion");
                        default -> p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    /** A string value; {@code field} (a constant) is appended to {@link #where()} only in the error message. */
    private String string(JsonParser p, JsonToken t, String field) {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new BadRequestException(where() + field + ": expected a string, found " + ExtenderDecoder.describe(t));
        }
        return p.getString();
    }
}
