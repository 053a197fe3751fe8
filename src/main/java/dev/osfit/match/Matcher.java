package dev.osfit.match;

import dev.osfit.node.NodePlatform;
import dev.osfit.platform.OsVersion;
import dev.osfit.platform.Platform;
import dev.osfit.platform.WindowsCompat;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Decides, for one pod, whether each node platform can run it and how well.
 *
 * <p>Contract: {@link #verdict} is pure in its argument and answers in constant time after the first
 * call for a platform. Verdicts are computed once per distinct {@link NodePlatform} (a cluster has a
 * handful) and kept in an array indexed by the platform's intern id, so matching N nodes costs N array
 * reads and allocates nothing per node. Not thread-safe: make one per request (cheap).
 */
public final class Matcher {

    private final PodRequirements requirements;
    private final Scoring scoring;
    private final Verdict unchecked;
    private final Verdict notIndexed;
    private Verdict[] byPlatformId = new Verdict[32];

    public Matcher(PodRequirements requirements, Scoring scoring) {
        this.requirements = requirements;
        this.scoring = scoring;
        this.unchecked = pod() != null ? pod() : Verdict.pass(scoring.unknown());
        // Not "unresolvable": the node may reach the index a moment later.
        this.notIndexed = pod() != null ? pod() : Verdict.fail(Verdict.Kind.NOT_INDEXED, Reasons.NODE_NOT_INDEXED);
    }

    public PodRequirements requirements() {
        return requirements;
    }

    Scoring scoring() {
        return scoring;
    }

    /**
     * The verdict for a node with this platform; null means osfit knows nothing about the node,
     * {@link NodePlatform#NOT_INDEXED} that the node index has not heard of it.
     */
    public Verdict verdict(NodePlatform node) {
        if (node == null) {
            return unchecked;
        }
        if (node == NodePlatform.NOT_INDEXED) {
            return notIndexed;
        }
        int id = node.id();
        Verdict[] memo = byPlatformId;
        if (id >= 0 && id < memo.length) {
            Verdict v = memo[id];
            if (v != null) {
                return v;
            }
        }
        Verdict v = compute(node);
        if (id >= 0) {
            if (id >= memo.length) {
                memo = byPlatformId = Arrays.copyOf(memo, Math.max(id + 1, memo.length * 2));
            }
            memo[id] = v;
        }
        return v;
    }

    /** The verdict that holds for every node whatever its platform, or null. */
    private Verdict pod() {
        if (requirements.unresolvableReason() != null) {
            return Verdict.unresolvable(requirements.unresolvableKind(), requirements.unresolvableReason());
        }
        if (requirements.failReason() != null) {
            return Verdict.fail(Verdict.Kind.UNKNOWN_DENIED, requirements.failReason());
        }
        return null;
    }

    private Verdict compute(NodePlatform node) {
        Verdict pod = pod();
        if (pod != null) {
            return pod;
        }
        if (node.os() == null) {
            return unchecked;
        }
        if (requirements.hostProcess()) {
            // HostProcess containers run on the host itself: any Windows node, no build check.
            return node.isWindows() ? Verdict.pass(scoring.exactMatch())
                    : Verdict.unresolvable(Verdict.Kind.HOST_PROCESS, String.format(Reasons.HOST_PROCESS_NEEDS_WINDOWS, node.os()));
        }
        if (node.isWindows() && requirements.windowsUnsupported() != null) {
            return Verdict.unresolvable(Verdict.Kind.WINDOWS_UNSUPPORTED,
                    String.format(Reasons.WINDOWS_UNSUPPORTED, requirements.windowsUnsupported()));
        }
        if (requirements.known().isEmpty()) {
            return Verdict.pass(scoring.unknown());
        }
        int score = Scoring.MAX;
        for (PodRequirements.ImageNeed need : requirements.known()) {
            int best = -1;
            for (Platform p : need.platforms()) {
                best = Math.max(best, score(p, node.os(), node.architecture(), node.windowsVersion(), scoring, requirements.isolation()));
            }
            if (best < 0) {
                return mismatch(need, node, requirements.isolation());
            }
            score = Math.min(score, best);
        }
        return Verdict.pass(score);
    }

    /**
     * The score of an image platform on a node, or -1 when the node cannot run it. Node fields may be
     * null (not known): a null architecture or version does not reject.
     */
    static int score(Platform image, String os, String arch, OsVersion windowsVersion, Scoring scoring, Isolation isolation) {
        if (image.os() != null && !image.os().equals(os)) {
            return -1;
        }
        if (image.architecture() != null && arch != null && !image.architecture().equals(arch)) {
            return -1;
        }
        if (!"windows".equals(os)) {
            return scoring.exactMatch();
        }
        OsVersion imageVersion = image.osVersion();
        if (imageVersion == null || windowsVersion == null) {
            return scoring.osOnly();
        }
        if (isolation == Isolation.HYPER_V ? !WindowsCompat.canRunHyperV(windowsVersion, imageVersion)
                : !WindowsCompat.canRun(windowsVersion, imageVersion)) {
            return -1;
        }
        if (imageVersion.build() == windowsVersion.build()) {
            return scoring.sameBuild(windowsVersion.revision(), imageVersion.revision());
        }
        return scoring.olderBuild();
    }

    /** Why no platform of the image fits: the first level (os, architecture, build) at which all differ. */
    private static Verdict mismatch(PodRequirements.ImageNeed need, NodePlatform node, Isolation isolation) {
        Set<String> sameOs = new LinkedHashSet<>();
        Set<String> sameArch = new LinkedHashSet<>();
        Set<String> oses = new LinkedHashSet<>();
        for (Platform p : need.platforms()) {
            oses.add(p.os());
            if (node.os().equals(p.os())) {
                sameOs.add(p.osArch());
                if (p.architecture() == null || node.architecture() == null || p.architecture().equals(node.architecture())) {
                    sameArch.add(p.osVersion() == null ? "" : p.osVersion().buildString());
                }
            }
        }
        if (sameOs.isEmpty()) {
            return Verdict.unresolvable(Verdict.Kind.PLATFORM_MISMATCH,
                    String.format(Reasons.PLATFORM_MISMATCH, node.os(), need.image(), String.join(" or ", oses)));
        }
        if (sameArch.isEmpty()) {
            return Verdict.unresolvable(Verdict.Kind.PLATFORM_MISMATCH, String.format(Reasons.PLATFORM_MISMATCH,
                    node.os() + "/" + node.architecture(), need.image(), String.join(" or ", sameOs)));
        }
        return Verdict.unresolvable(Verdict.Kind.BUILD_MISMATCH, String.format(
                isolation == Isolation.HYPER_V ? Reasons.BUILD_MISMATCH_HYPERV : Reasons.BUILD_MISMATCH,
                node.windowsVersion().buildString(), need.image(), String.join(" or ", sameArch)));
    }
}
