package dev.osfit.extender;

import dev.osfit.node.NodeCatalog;
import dev.osfit.node.NodePlatform;

/**
 * The candidate nodes of a request, in request order: either names only (nodeCacheCapable) or full
 * node objects, of which osfit keeps the name, the platform and where the object's bytes lie in the
 * request body, so that a passing node goes back byte for byte as kube-scheduler sent it.
 */
final class RequestNodes {

    private final boolean full;
    private final byte[] body;
    private final int count;
    private final String[] names;
    private final NodePlatform[] platforms;
    private final int[] starts;
    private final int[] ends;

    private RequestNodes(boolean full, byte[] body, int count, String[] names, NodePlatform[] platforms, int[] starts, int[] ends) {
        this.full = full;
        this.body = body;
        this.count = count;
        this.names = names;
        this.platforms = platforms;
        this.starts = starts;
        this.ends = ends;
    }

    /** Names-only candidates, as a NodeNames request carries them. */
    static RequestNodes ofNames(String... names) {
        return names(names.clone(), names.length);
    }

    static RequestNodes names(String[] names, int count) {
        return new RequestNodes(false, null, count, names, new NodePlatform[count], null, null);
    }

    static RequestNodes full(byte[] body, int count, String[] names, NodePlatform[] platforms, int[] starts, int[] ends) {
        return new RequestNodes(true, body, count, names, platforms, starts, ends);
    }

    /** True when the request carried full node objects ({@code Nodes}), false for {@code NodeNames}. */
    boolean full() {
        return full;
    }

    int size() {
        return count;
    }

    String name(int i) {
        return names[i];
    }

    /** The node's platform; null when osfit does not know it. Names-only requests need {@link #resolve} first. */
    NodePlatform platform(int i) {
        return platforms[i];
    }

    /**
     * Looks up the platform of every named node in the catalog (names-only requests; no-op for full
     * nodes). A name a complete catalog does not hold becomes {@link NodePlatform#NOT_INDEXED}.
     */
    RequestNodes resolve(NodeCatalog catalog) {
        if (!full) {
            catalog.platformsOf(names, count, platforms, catalog.complete() ? NodePlatform.NOT_INDEXED : null);
        }
        return this;
    }

    /** Number of nodes whose platform is not known. */
    int unknownCount() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (platforms[i] == null || platforms[i] == NodePlatform.NOT_INDEXED) {
                n++;
            }
        }
        return n;
    }

    int nodeLength(int i) {
        return ends[i] - starts[i];
    }

    void writeNode(JsonOut out, int i) {
        out.raw(body, starts[i], ends[i] - starts[i]);
    }
}
