package dev.osfit.node;

/**
 * Where names-only requests (kube-scheduler's {@code nodeCacheCapable: true}) learn a node's platform.
 * Implementations are read on the request path and must answer from memory without locking.
 */
public interface NodeCatalog {

    /** A catalog that knows no node: standalone mode, where nodes come with each request. */
    NodeCatalog EMPTY = name -> null;

    /** The node's platform, or null when this catalog does not know the node. */
    NodePlatform platformOf(String nodeName);

    /**
     * True when this catalog holds every node of the cluster, so a name it does not know is a node
     * osfit has not heard of yet (rather than one it simply cannot check).
     */
    default boolean complete() {
        return false;
    }

    /** False while the catalog is still being filled (names-only requests cannot be answered yet). */
    default boolean ready() {
        return true;
    }
}
