package dev.osfit.node;

import dev.osfit.platform.OsVersion;

/**
 * What a node says about its platform, as read from it (any field may be null): the current labels,
 * the beta labels older kubelets set, and {@code status.nodeInfo}. {@link #platform()} decides from them.
 */
public record NodeFacts(String os, String betaOs, String arch, String betaArch, String windowsBuild,
                        String nodeInfoOs, String nodeInfoArch, String kernelVersion) {

    /**
     * The platform: os and arch from the labels, then the beta labels, then nodeInfo; on Windows the
     * build label, with the kernel version's revision when the two agree on the build (the label wins
     * when they disagree: it is what kube-scheduler's selectors see).
     */
    public NodePlatform platform() {
        return platform(os, betaOs, arch, betaArch, windowsBuild, nodeInfoOs, nodeInfoArch, kernelVersion);
    }

    /**
     * {@link #platform()} from the fields themselves, for a streaming reader that does not build the
     * record: a full node list is decoded without allocating per node beyond the strings it keeps.
     */
    public static NodePlatform platform(String os, String betaOs, String arch, String betaArch, String windowsBuild,
                                        String nodeInfoOs, String nodeInfoArch, String kernelVersion) {
        String effectiveOs = firstNonBlank(firstNonBlank(os, betaOs), nodeInfoOs);
        String effectiveArch = firstNonBlank(firstNonBlank(arch, betaArch), nodeInfoArch);
        OsVersion version = null;
        if ("windows".equals(effectiveOs)) {
            OsVersion build = OsVersion.parse(windowsBuild);
            OsVersion kernel = OsVersion.parse(kernelVersion);
            if (build == null) {
                version = kernel;
            } else if (kernel != null && kernel.withoutRevision().equals(build.withoutRevision())) {
                version = kernel;
            } else {
                version = build;
            }
        }
        return NodePlatform.of(effectiveOs, effectiveArch, version);
    }

    /** Whether the labels alone name the platform (a Linux node with os and arch labels): nodeInfo adds nothing. */
    public boolean labelsSuffice() {
        String effectiveOs = os != null ? os : betaOs;
        return effectiveOs != null && (arch != null || betaArch != null) && !"windows".equals(effectiveOs);
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }
}
