package dev.osfit.match;

/** What osfit does with a pod whose images no source knows. */
public enum UnknownImagePolicy {
    /** Every node passes with the neutral score. */
    ALLOW,
    /** Every node fails (FailedNodes: a later attempt may know the image). */
    DENY
}
