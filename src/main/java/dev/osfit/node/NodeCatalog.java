package dev.osfit.node;

/**
 * Where names-only requests (kube-scheduler's {@code nodeCacheCapable: true}) learn a node's platform.
 * Implementations are read on the request path and must answer from memory without locking.
 */
public interface NodeCatalog {

    /**
     * A catalog that knows no node: standalone mode (the default), where nodes come with each request.
     * Its lookups make no String of a name they cannot know.
     */
    NodeCatalog EMPTY = new NodeCatalog() {
        @Override
        public NodePlatform platformOf(String nodeName) {
            return null;
        }

        @Override
        public void platformsOf(String[] names, int count, NodePlatform[] out, NodePlatform missing) {
            java.util.Arrays.fill(out, 0, count, missing);
        }

        @Override
        public void platformsOf(byte[] utf8, int[] starts, int[] ends, int[] hashes, int count, NodePlatform[] out, NodePlatform missing) {
            java.util.Arrays.fill(out, 0, count, missing);
        }
    };

    /** The node's platform, or null when this catalog does not know the node. */
    NodePlatform platformOf(String nodeName);

    /**
     * Looks up {@code count} names into {@code out}; a name this catalog does not know gets
     * {@code missing}. Implementations may do this faster than one {@link #platformOf} per name.
     */
    default void platformsOf(String[] names, int count, NodePlatform[] out, NodePlatform missing) {
        for (int i = 0; i < count; i++) {
            NodePlatform p = platformOf(names[i]);
            out[i] = p != null ? p : missing;
        }
    }

    /**
     * Looks up {@code count} names given as UTF-8 byte ranges of {@code utf8} (the i-th from
     * {@code starts[i]} to {@code ends[i]}, with its {@link NodeSnapshot#hash} in {@code hashes[i]}) into
     * {@code out}; a name this catalog does not know gets {@code missing}. A names-only request's names,
     * where they lie in its body.
     */
    default void platformsOf(byte[] utf8, int[] starts, int[] ends, int[] hashes, int count, NodePlatform[] out, NodePlatform missing) {
        for (int i = 0; i < count; i++) {
            NodePlatform p = platformOf(new String(utf8, starts[i], ends[i] - starts[i], java.nio.charset.StandardCharsets.UTF_8));
            out[i] = p != null ? p : missing;
        }
    }

    /**
     * True when this catalog holds every node of the cluster, so a name it does not know is a node
     * osfit has not heard of yet (rather than one it simply cannot check).
     */
    default boolean complete() {
        return false;
    }

    /** Every node name this catalog knows, sorted (for operators: explain a pod against the whole cluster). */
    default java.util.List<String> names() {
        return java.util.List.of();
    }

    /** Each distinct node platform this catalog knows, with how many nodes have it. */
    default java.util.Map<NodePlatform, Integer> platforms() {
        return java.util.Map.of();
    }

    /** False while the catalog is still being filled (names-only requests cannot be answered yet). */
    default boolean ready() {
        return true;
    }
}
