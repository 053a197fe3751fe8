package dev.osfit.node;

/** The well-known node labels osfit reads (set by the kubelet). */
public final class NodeLabels {

    public static final String OS = "kubernetes.io/os";
    public static final String ARCH = "kubernetes.io/arch";
    public static final String WINDOWS_BUILD = "node.kubernetes.io/windows-build";
    public static final String BETA_OS = "beta.kubernetes.io/os";
    public static final String BETA_ARCH = "beta.kubernetes.io/arch";

    private NodeLabels() {
    }
}
