package dev.osfit.match;

import dev.osfit.image.ImagePlatforms;
import dev.osfit.node.NodeLabels;
import dev.osfit.platform.OsVersion;
import dev.osfit.platform.Platform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The last source: what the pod itself already requires of its node (nodeSelector, required node
 * affinity on os, arch and windows-build, as RuntimeClasses also merge them in, then spec.os.name).
 * It applies to every image of the pod that no other source knows.
 *
 * <p>Only {@code In} requirements are read; terms are ORed, so the pod's platforms are the union of
 * each term's. A term that says nothing about the platform makes the pod say nothing.
 */
final class SelectorPlatforms {

    static final String SOURCE = "pod-selector";

    private SelectorPlatforms() {
    }

    static Optional<ImagePlatforms> of(PodFacts pod) {
        Map<String, String> selector = pod.nodeSelector();
        List<String> os = single(firstNonNull(selector.get(NodeLabels.OS), selector.get(NodeLabels.BETA_OS)));
        List<String> arch = single(firstNonNull(selector.get(NodeLabels.ARCH), selector.get(NodeLabels.BETA_ARCH)));
        List<String> build = single(selector.get(NodeLabels.WINDOWS_BUILD));
        Set<Platform> platforms = new LinkedHashSet<>();
        if (pod.requiredTerms().isEmpty()) {
            if (!add(platforms, os, arch, build, pod.osName())) {
                return Optional.empty();
            }
        }
        for (List<PodFacts.Requirement> term : pod.requiredTerms()) {
            List<String> termOs = os;
            List<String> termArch = arch;
            List<String> termBuild = build;
            for (PodFacts.Requirement r : term) {
                if (!"In".equals(r.operator()) || r.values().isEmpty()) {
                    continue;
                }
                switch (r.key()) {
                    case NodeLabels.OS, NodeLabels.BETA_OS -> termOs = intersect(termOs, r.values());
                    case NodeLabels.ARCH, NodeLabels.BETA_ARCH -> termArch = intersect(termArch, r.values());
                    case NodeLabels.WINDOWS_BUILD -> termBuild = intersect(termBuild, r.values());
                    default -> {
                    }
                }
            }
            if (!add(platforms, termOs, termArch, termBuild, pod.osName())) {
                return Optional.empty();
            }
        }
        return platforms.isEmpty() ? Optional.empty() : Optional.of(new ImagePlatforms(new ArrayList<>(platforms), SOURCE));
    }

    /** Adds the cross product; false when the values constrain nothing. */
    private static boolean add(Set<Platform> out, List<String> os, List<String> arch, List<String> build, String osName) {
        if (os == null && build != null) {
            os = List.of("windows");
        }
        if (os == null && osName != null) {
            os = List.of(osName);
        }
        if (os == null) {
            return false;
        }
        for (String o : os) {
            for (String a : arch == null ? Arrays.asList((String) null) : arch) {
                for (String b : build == null || !"windows".equals(o) ? Arrays.asList((String) null) : build) {
                    OsVersion version = b == null ? null : OsVersion.parse(b);
                    out.add(new Platform(o, a, null, version, List.of()));
                }
            }
        }
        return true;
    }

    private static List<String> single(String value) {
        return value == null ? null : List.of(value);
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static List<String> intersect(List<String> current, List<String> values) {
        if (current == null) {
            return List.copyOf(values);
        }
        List<String> out = new ArrayList<>(current);
        out.retainAll(values);
        return out;
    }
}
