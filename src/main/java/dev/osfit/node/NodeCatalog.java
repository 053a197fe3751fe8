package dev.osfit.node;

/**
 * Where names-only requests (kube-scheduler's {@code nodeCacheCapable: true}) learn a node's platform.
 * Implementations are read on the request path and must answer from memory without locking.
 */
@FunctionalInterface
public interface NodeCatalog {

    /** A catalog that knows no node: standalone mode, where nodes come with each request. */
    NodeCatalog EMPTY = name -> null;

    /** The node's platform, or null when this catalog does not know the node. */
    NodePlatform platformOf(String nodeName);
}
