package dev.osfit.admission;

import dev.osfit.match.Matcher;
import dev.osfit.match.PodRequirements;
import dev.osfit.node.NodeLabels;
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
 * least one indexed platform can run it. Anything less and the pod is left to the extender. A pod that
 * no node can ever run, certainly, is blocked rather than left to land where it cannot start.
 *
 * <p>Terms name nodes by the labels kubelets set ({@value NodeLabels#OS}, {@value NodeLabels#ARCH}, {@value NodeLabels#WINDOWS_BUILD});
 * the index also reads the beta labels and nodeInfo, so a node known only from those is left out of a
 * hint (narrower, never wrong).
 */
public final class HintPlanner {

    static final String INDEX_EMPTY = "node index not ready";
    static final String UNKNOWN_IMAGES = "platforms of %s unknown";
    static final String NOT_CERTAIN = "image %s known only from %s";
    static final String NO_NODE = "no indexed node can run the pod";
    static final String UNLABELLED_ONLY = "the nodes that can run the pod lack os, arch or windows-build labels";

    /** One requirement of a node selector term: key, operator (In, Exists, DoesNotExist), values. */
    public record Requirement(String key, String operator, List<String> values) {

        static Requirement in(String key, List<String> values) {
            return new Requirement(key, "In", values);
        }
    }

    /** A node selector term: all of its requirements. */
    public record Term(List<Requirement> requirements) {
    }

    /** The label of the term no node can satisfy. */
    public static final String NO_NODE_KEY = "osfit.dev/no-node-can-run-this-pod";

    /**
     * A term no node satisfies: the same label both required to exist and to be absent. Merged into a
     * pod's own terms, it keeps the pod Pending whatever the nodes' labels.
     */
    static final Term NO_NODE_TERM = new Term(List.of(new Requirement(NO_NODE_KEY, "Exists", List.of()),
            new Requirement(NO_NODE_KEY, "DoesNotExist", List.of())));

    /** What to do with the pod. */
    public sealed interface Plan permits Hint, Unchanged, Block {
    }

    /**
     * No node can ever run the pod (its images need conflicting platforms, or its platform annotation is
     * invalid), and osfit is certain of it: keep it Pending with {@link #NO_NODE_TERM}, saying why.
     */
    public record Block(String reason) implements Plan {
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
            return certain(r, certainSources) ? new Block(r.unresolvableReason()) : new Unchanged(r.unresolvableReason());
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
                terms.add(new Term(List.of(Requirement.in(NodeLabels.OS, List.of(os)), Requirement.in(NodeLabels.ARCH, archList))));
                summary.add(os + "/" + String.join("|", archList));
                return;
            }
            arches.forEach((arch, builds) -> {
                terms.add(new Term(List.of(Requirement.in(NodeLabels.OS, List.of(os)), Requirement.in(NodeLabels.ARCH, List.of(arch)),
                        Requirement.in(NodeLabels.WINDOWS_BUILD, List.copyOf(builds)))));
                summary.add(os + "/" + arch + " " + String.join("|", builds));
            });
        });
        return new Hint(List.copyOf(terms), String.join(", ", summary), unlabelled);
    }

    /**
     * Whether a pod-wide verdict rests only on trusted sources: every known image's source (a conflict),
     * or the pod's own annotation when it is invalid and nothing else is known.
     */
    private static boolean certain(PodRequirements r, Set<String> certainSources) {
        if (r.known().isEmpty()) {
            return certainSources.contains("annotation");
        }
        return r.known().stream().allMatch(need -> certainSources.contains(need.source()));
    }
}
