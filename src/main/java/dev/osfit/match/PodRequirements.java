package dev.osfit.match;

import dev.osfit.platform.OsVersion;
import dev.osfit.platform.Platform;
import dev.osfit.platform.WindowsCompat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A pod's needs in the form the {@link Matcher} reads: the platforms of each image whose platforms
 * are known, and the pod-wide facts that decide before any image does (a conflict, the unknown-image
 * policy, Windows limits, HostProcess). Immutable; built once per request by {@link PodCompiler}.
 */
public final class PodRequirements {

    /** What one image of the pod needs: one of these platforms. */
    public record ImageNeed(String image, List<Platform> platforms, String source) {

        public ImageNeed {
            platforms = List.copyOf(platforms);
        }
    }

    /** Builds that hosts run in practice; with the images' own builds they are the hosts tried when checking for conflicts. */
    private static final int[] KNOWN_HOST_BUILDS = {14393, 17763, 18362, 18363, 19041, 19042, 20348, 22000, 22621, 25398, 26100};

    private final List<ImageNeed> known;
    private final List<String> unknown;
    private final String unresolvableReason;
    private final Verdict.Kind unresolvableKind;
    private final String failReason;
    private final String windowsUnsupported;
    private final boolean hostProcess;
    private final Isolation isolation;

    private PodRequirements(List<ImageNeed> known, List<String> unknown, Verdict.Kind unresolvableKind, String unresolvableReason,
                            String failReason, String windowsUnsupported, boolean hostProcess, Isolation isolation) {
        this.known = List.copyOf(known);
        this.unknown = List.copyOf(unknown);
        this.unresolvableReason = unresolvableReason;
        this.unresolvableKind = unresolvableKind;
        this.failReason = failReason;
        this.windowsUnsupported = windowsUnsupported;
        this.hostProcess = hostProcess;
        this.isolation = isolation;
    }

    /**
     * @param known   images whose platforms a source knows, in pod order
     * @param unknown images no source knows (as written in the pod)
     */
    public static PodRequirements of(PodFacts pod, List<ImageNeed> known, List<String> unknown, UnknownImagePolicy policy) {
        return of(pod, known, unknown, policy, Isolation.PROCESS);
    }

    /** @param isolation how the pod's Windows containers would be isolated (its RuntimeClass) */
    public static PodRequirements of(PodFacts pod, List<ImageNeed> known, List<String> unknown, UnknownImagePolicy policy,
                                     Isolation isolation) {
        String conflict = conflict(pod.osName(), known, isolation);
        String fail = null;
        if (!unknown.isEmpty() && policy == UnknownImagePolicy.DENY) {
            fail = String.format(Reasons.UNKNOWN_DENIED, String.join(", ", unknown));
        }
        List<String> limits = windowsLimits(pod);
        boolean hostProcess = pod.podHostProcess() || pod.containers().stream().anyMatch(PodFacts.Container::hostProcess);
        return new PodRequirements(known, unknown, conflict == null ? Verdict.Kind.NONE : Verdict.Kind.CONFLICT,
                conflict == null ? null : String.format(Reasons.CONFLICT, conflict), fail,
                limits.isEmpty() ? null : String.join(", ", limits), hostProcess, isolation);
    }

    /** Requirements that no node meets, for a pod whose own declarations are broken. */
    public static PodRequirements unresolvable(Verdict.Kind kind, String reason) {
        return new PodRequirements(List.of(), List.of(), kind, reason, null, null, false, Isolation.PROCESS);
    }

    public List<ImageNeed> known() {
        return known;
    }

    public List<String> unknown() {
        return unknown;
    }

    /** Why no node can run this pod, or null. */
    public String unresolvableReason() {
        return unresolvableReason;
    }

    /** The kind of {@link #unresolvableReason()}: {@link Verdict.Kind#CONFLICT} or {@link Verdict.Kind#INVALID_ANNOTATION}. */
    public Verdict.Kind unresolvableKind() {
        return unresolvableKind;
    }

    /** Why every node fails for now (unknown images under policy deny), or null. */
    public String failReason() {
        return failReason;
    }

    /** The pod's features that Windows cannot give, comma separated, or null. */
    public String windowsUnsupported() {
        return windowsUnsupported;
    }

    public boolean hostProcess() {
        return hostProcess;
    }

    /** Which rule decides the Windows builds a host runs for this pod. */
    public Isolation isolation() {
        return isolation;
    }

    // Kubernetes' Windows documentation lists what a Windows node cannot give a pod.
    private static List<String> windowsLimits(PodFacts pod) {
        Set<String> limits = new LinkedHashSet<>();
        for (PodFacts.Container c : pod.containers()) {
            if (c.privileged() && !c.hostProcess() && !pod.podHostProcess()) {
                limits.add("privileged containers");
            }
            if (c.hugepages()) {
                limits.add("hugepages");
            }
            if (c.mountPropagation()) {
                limits.add("mount propagation");
            }
        }
        if (pod.memoryEmptyDir()) {
            limits.add("memory-backed emptyDir");
        }
        if (pod.hostPID()) {
            limits.add("hostPID");
        }
        if (pod.hostIPC()) {
            limits.add("hostIPC");
        }
        return new ArrayList<>(limits);
    }

    /**
     * Null when some node could run every known image and satisfy spec.os.name; otherwise the detail
     * for {@link Reasons#CONFLICT}. Hosts are tried from the oses, architectures and builds the images
     * name plus the builds hosts run in practice, which covers every distinct case of the rule.
     */
    static String conflict(String osName, List<ImageNeed> known, Isolation isolation) {
        if (known.isEmpty()) {
            return null;
        }
        Set<String> oses = new LinkedHashSet<>();
        Set<String> arches = new LinkedHashSet<>();
        Set<OsVersion> builds = new LinkedHashSet<>();
        for (ImageNeed need : known) {
            for (Platform p : need.platforms()) {
                oses.add(p.os());
                arches.add(p.architecture());
                if (p.osVersion() != null) {
                    builds.add(p.osVersion().withoutRevision());
                }
            }
        }
        if (osName != null) {
            oses.retainAll(Set.of(osName));
        }
        // An image that does not state its architecture fits any; try only the stated ones when there are.
        if (arches.size() > 1) {
            arches.remove(null);
        }
        for (int b : KNOWN_HOST_BUILDS) {
            builds.add(new OsVersion(10, 0, b, OsVersion.UNKNOWN));
        }
        for (String os : oses) {
            for (String arch : arches) {
                for (OsVersion build : "windows".equals(os) ? builds : Set.<OsVersion>of()) {
                    if (allFit(known, os, arch, build, isolation)) {
                        return null;
                    }
                }
                if (!"windows".equals(os) && allFit(known, os, arch, null, isolation)) {
                    return null;
                }
            }
        }
        StringBuilder detail = new StringBuilder();
        if (osName != null) {
            detail.append("spec.os.name: ").append(osName);
        }
        for (ImageNeed need : known) {
            if (detail.length() > 0) {
                detail.append("; ");
            }
            detail.append(need.image()).append(": ").append(summary(need.platforms()));
        }
        return detail.toString();
    }

    private static boolean allFit(List<ImageNeed> known, String os, String arch, OsVersion build, Isolation isolation) {
        for (ImageNeed need : known) {
            boolean fits = false;
            for (Platform p : need.platforms()) {
                if (Matcher.score(p, os, arch, build, Scoring.DEFAULTS, isolation) >= 0) {
                    fits = true;
                    break;
                }
            }
            if (!fits) {
                return false;
            }
        }
        return true;
    }

    private static final int SUMMARY_LIMIT = 4;

    static String summary(List<Platform> platforms) {
        List<String> shown = platforms.stream().map(Platform::toString).distinct().collect(Collectors.toList());
        if (shown.size() > SUMMARY_LIMIT) {
            int more = shown.size() - SUMMARY_LIMIT;
            shown = new ArrayList<>(shown.subList(0, SUMMARY_LIMIT));
            shown.add("and " + more + " more");
        }
        return String.join(", ", shown);
    }

    @Override
    public String toString() {
        return "PodRequirements{known=" + known + ", unknown=" + unknown + ", unresolvable=" + unresolvableReason
                + ", fail=" + failReason + ", windowsUnsupported=" + windowsUnsupported + ", hostProcess=" + hostProcess + ", isolation=" + isolation + "}";
    }
}
