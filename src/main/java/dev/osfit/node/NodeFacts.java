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
        String effectiveOs = firstNonBlank(os, betaOs, nodeInfoOs);
        String effectiveArch = firstNonBlank(arch, betaArch, nodeInfoArch);
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

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
