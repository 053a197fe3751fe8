package dev.osfit.node;

/**
 * Where a request's node catalog comes from: nowhere in standalone (request) mode, the node
 * index's current snapshot in cluster mode. Called once per request.
 */
@FunctionalInterface
public interface NodeSource {

    /** Standalone: nodes come with each request. */
    NodeSource REQUEST = () -> NodeCatalog.EMPTY;

    NodeCatalog current();
}
