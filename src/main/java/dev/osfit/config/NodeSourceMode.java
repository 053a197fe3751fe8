package dev.osfit.config;

/** {@code osfit.nodes.source}: where osfit learns the nodes of names-only requests. */
public enum NodeSourceMode {
    /** Nodes come with each request; names-only requests cannot be checked (standalone). */
    REQUEST,
    /** Watch the cluster's nodes through the API server and answer names-only requests from the index. */
    CLUSTER,
    /** CLUSTER when a kubeconfig or an in-cluster service account is present, REQUEST otherwise. */
    AUTO
}
