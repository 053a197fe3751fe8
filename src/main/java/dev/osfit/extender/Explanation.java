package dev.osfit.extender;

import dev.osfit.match.Explainer;
import dev.osfit.match.Matcher;
import dev.osfit.match.PodRequirements;
import dev.osfit.match.Verdict;
import dev.osfit.node.NodePlatform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What osfit decides for a pod on each node, and why: the answer of the explain endpoint, as JSON
 * (this record) or as a plain-text table ({@link #table()}).
 *
 * @param lookupFailures why a remote source (the registry) could not say what an image needs: "image: kind: hosts tried and why"
 * @param startFailures failed starts of this pod that the kubelet reported as a platform mismatch: "node: image: message"
 * @param podWide a reason that holds for every node whatever its platform, or null
 * @param summary nodes per verdict
 * @param note    what limits the answer as a whole (standalone osfit asked about named nodes), or null
 */
record Explanation(String pod, List<Image> images, List<String> unknownImages, List<String> lookupFailures, List<String> startFailures,
                   String podWide,
                   Map<String, Integer> summary, List<Node> nodes, String note) {

    static final String NO_NODE_INDEX = "standalone osfit has no node index: named nodes cannot be checked and pass unchecked "
            + "(run osfit with osfit.nodes.source=cluster, or send full nodes: nodeCacheCapable: false)";

    /** An image whose platforms a source knows. */
    record Image(String image, String source, List<String> platforms) {
    }

    /**
     * One node: its platform as osfit sees it, the verdict ("pass", "fail", "unresolvable"), the
     * reason (as kube-scheduler would show it), the score (0..10), and the image platforms that decided.
     */
    record Node(String name, String platform, String verdict, String reason, int score, List<String> decidedBy) {
    }

    static Explanation of(String pod, RequestNodes nodes, Matcher matcher, java.util.function.Function<String, String> lookupFailure,
                          List<String> startFailures) {
        PodRequirements r = matcher.requirements();
        List<Image> images = r.known().stream()
                .map(n -> new Image(n.image(), n.source(), n.platforms().stream().map(Object::toString).toList())).toList();
        Map<String, Integer> summary = new LinkedHashMap<>();
        for (Verdict.Outcome o : Verdict.Outcome.values()) {
            summary.put(o.name().toLowerCase(Locale.ROOT), 0);
        }
        List<Node> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            NodePlatform platform = nodes.platform(i);
            Verdict v = matcher.verdict(platform);
            String verdict = v.outcome().name().toLowerCase(Locale.ROOT);
            summary.merge(verdict, 1, Integer::sum);
            out.add(new Node(nodes.name(i), describe(platform, nodes.full()), verdict, v.reason(), v.score(),
                    Explainer.decidedBy(matcher, platform)));
        }
        String podWide = r.unresolvableReason() != null ? r.unresolvableReason() : r.failReason();
        String note = !nodes.full() && nodes.unknownCount() > 0 ? NO_NODE_INDEX : null;
        List<String> failures = new ArrayList<>();
        java.util.stream.Stream.concat(images.stream().map(Image::image), r.unknown().stream()).distinct().forEach(image -> {
            String why = lookupFailure.apply(image);
            if (why != null) {
                failures.add(image + ": " + why);
            }
        });
        return new Explanation(pod, images, r.unknown(), List.copyOf(failures), List.copyOf(startFailures), podWide, summary, out, note);
    }

    private static String describe(NodePlatform platform, boolean fullNodes) {
        if (platform == null) {
            return fullNodes ? "unknown (no kubernetes.io/os label)" : "unknown (no node index)";
        }
        if (platform == NodePlatform.NOT_INDEXED) {
            return "not in osfit's node index";
        }
        return platform.toString();
    }

    /** The same, as a table a person reads in a terminal. */
    String table() {
        StringBuilder b = new StringBuilder();
        b.append("pod ").append(safe(pod)).append('\n');
        for (Image i : images) {
            b.append("image ").append(safe(i.image())).append(": ").append(safe(String.join(", ", i.platforms())))
                    .append(" (from ").append(i.source()).append(")\n");
        }
        for (String u : unknownImages) {
            b.append("image ").append(safe(u)).append(": platforms unknown\n");
        }
        for (String f : lookupFailures) {
            b.append("registry lookup failed for ").append(safe(f)).append('\n');
        }
        for (String f : startFailures) {
            b.append("failed to start on ").append(safe(f)).append('\n');
        }
        if (podWide != null) {
            b.append("every node: ").append(safe(podWide)).append('\n');
        }
        if (note != null) {
            b.append("note: ").append(note).append('\n');
        }
        b.append(summary.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).reduce((x, y) -> x + ", " + y).orElse(""))
                .append("\n\n");
        String[] header = {"NODE", "PLATFORM", "VERDICT", "SCORE", "WHY"};
        List<String[]> rows = new ArrayList<>();
        rows.add(header);
        for (Node n : nodes) {
            // A reason already names the image and the builds; a pass says which platform won.
            String why = n.reason() != null ? n.reason() : String.join("; ", n.decidedBy());
            rows.add(new String[] {safe(n.name()), n.platform(), n.verdict(), String.valueOf(n.score()), safe(why)});
        }
        int[] width = new int[header.length - 1];
        for (String[] row : rows) {
            for (int c = 0; c < width.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            for (int c = 0; c < width.length; c++) {
                b.append(row[c]).append(" ".repeat(width[c] - row[c].length() + 2));
            }
            b.append(row[width.length]).append('\n');
        }
        return b.toString();
    }

    /**
     * Text for a terminal: control characters (a pod author's escape sequences in a name or an image)
     * are shown as {@code \\uXXXX}, never sent raw.
     */
    static String safe(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029;
            if (control && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (b != null) {
                if (control) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? text : b.toString();
    }
}
