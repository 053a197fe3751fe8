package dev.osfit.match;

import dev.osfit.node.NodePlatform;
import dev.osfit.platform.Platform;
import java.util.ArrayList;
import java.util.List;

/**
 * Why a {@link Matcher} said what it said about a node: for each image, the platform that decided the
 * verdict. For operators (the explain endpoint), not the hot path: it allocates freely.
 */
public final class Explainer {

    private Explainer() {
    }

    /**
     * One line per image: the image platform that fits the node best and its score, or the platforms
     * of which none fits. Empty when the verdict does not depend on the images (a pod-wide reason, a
     * node osfit knows nothing about, a HostProcess pod).
     */
    public static List<String> decidedBy(Matcher matcher, NodePlatform node) {
        PodRequirements r = matcher.requirements();
        if (node == null || node == NodePlatform.NOT_INDEXED || node.os() == null || r.unresolvableReason() != null
                || r.failReason() != null || r.hostProcess() || node.isWindows() && r.windowsUnsupported() != null) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (PodRequirements.ImageNeed need : r.known()) {
            Platform best = null;
            int bestScore = -1;
            for (Platform p : need.platforms()) {
                int score = Matcher.score(p, node.os(), node.architecture(), node.windowsVersion(), matcher.scoring(), r.isolation());
                if (score > bestScore) {
                    best = p;
                    bestScore = score;
                }
            }
            lines.add(best == null
                    ? need.image() + ": none of " + need.platforms() + " (from " + need.source() + ")"
                    : need.image() + ": " + best + " scores " + bestScore + " (from " + need.source() + ")");
        }
        for (String image : r.unknown()) {
            lines.add(image + ": platforms unknown");
        }
        return lines;
    }
}
