package dev.osfit.admission;

import dev.osfit.match.Matcher;
import dev.osfit.match.PodRequirements;
import dev.osfit.node.NodePlatform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides what a pod may be told at admission: the node selector terms that admit exactly the node
 * platforms, among those in the node index, that can run it; or why it is left as it is. Pure.
 *
 * <p>Hints are written only when osfit is certain: every image's platforms come from a trusted source
 * (the registry's index or the pod's own annotation), nothing pod-wide rules the pod out, and at
 * least one indexed platform can run it. Anything less and the pod is left to the extender.
 *
 * <p>Terms name nodes by the labels kubelets set ({@value #OS}, {@value #ARCH}, {@value #WINDOWS_BUILD});
 * the index also reads the beta labels and nodeInfo, so a node known only from those is left out of a
 * hint (narrower, never wrong).
 */
public final class HintPlanner {

    public static final String OS = "kubernetes.io/os";
    public static final String ARCH = "kubernetes.io/arch";
    public static final String WINDOWS_BUILD = "node.kubernetes.io/windows-build";

    static final String INDEX_EMPTY = "node index not ready";
    static final String UNKNOWN_IMAGES = "platforms of %s unknown";
    static final String NOT_CERTAIN = "image %s known only from %s";
    static final String NO_NODE = "no indexed node can run the pod";
    static final String UNLABELLED_ONLY = "the nodes that can run the pod lack os, arch or windows-build labels";

    /** One requirement of a node selector term: key In values. */
    public record Requirement(String key, List<String> values) {
    }

    /** A node selector term: all of its requirements. */
    public record Term(List<Requirement> requirements) {
    }

    /** What to do with the pod. */
    public sealed interface Plan permits Hint, Unchanged {
    }

    /**
     * Require one of these terms. {@code summary} names the platforms, {@code unlabelled} counts nodes
     * that could run the pod but cannot be named by labels (they are left out).
     */
    public record Hint(List<Term> terms, String summary, int unlabelled) implements Plan {
    }

    public record Unchanged(String reason) implements Plan {
    }

    private HintPlanner() {
    }

    public static Plan plan(Matcher matcher, Map<NodePlatform, Integer> indexed, Set<String> certainSources) {
        PodRequirements r = matcher.requirements();
        if (r.unresolvableReason() != null) {
            return new Unchanged(r.unresolvableReason());
        }
        if (r.failReason() != null) {
            return new Unchanged(r.failReason());
        }
        if (!r.unknown().isEmpty()) {
            return new Unchanged(String.format(UNKNOWN_IMAGES, String.join(", ", r.unknown())));
        }
        for (PodRequirements.ImageNeed need : r.known()) {
            if (!certainSources.contains(need.source())) {
                return new Unchanged(String.format(NOT_CERTAIN, need.image(), need.source()));
            }
        }
        if (indexed.isEmpty()) {
            return new Unchanged(INDEX_EMPTY);
        }
        // os -> arch -> Windows builds (empty for Linux); sorted so the same cluster gives the same patch.
        Map<String, Map<String, Set<String>>> fits = new TreeMap<>();
        int unlabelled = 0;
        for (Map.Entry<NodePlatform, Integer> e : indexed.entrySet()) {
            NodePlatform p = e.getKey();
            if (!matcher.verdict(p).passes()) {
                continue;
            }
            if (p.os() == null || p.architecture() == null || p.isWindows() && p.windowsVersion() == null) {
                unlabelled += e.getValue();
                continue;
            }
            Set<String> builds = fits.computeIfAbsent(p.os(), os -> new TreeMap<>()).computeIfAbsent(p.architecture(), a -> new TreeSet<>());
            if (p.isWindows()) {
                builds.add(p.windowsVersion().buildString());
            }
        }
        if (fits.isEmpty()) {
            return new Unchanged(unlabelled > 0 ? UNLABELLED_ONLY : NO_NODE);
        }
        List<Term> terms = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        fits.forEach((os, arches) -> {
            if (!"windows".equals(os)) {
                // No build to tell apart: one term for all the architectures that fit.
                List<String> archList = List.copyOf(arches.keySet());
                terms.add(new Term(List.of(new Requirement(OS, List.of(os)), new Requirement(ARCH, archList))));
                summary.add(os + "/" + String.join("|", archList));
                return;
            }
            arches.forEach((arch, builds) -> {
                terms.add(new Term(List.of(new Requirement(OS, List.of(os)), new Requirement(ARCH, List.of(arch)),
                        new Requirement(WINDOWS_BUILD, List.copyOf(builds)))));
                summary.add(os + "/" + arch + " " + String.join("|", builds));
            });
        });
        return new Hint(List.copyOf(terms), String.join(", ", summary), unlabelled);
    }
}
