package dev.osfit.plan;

import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.PodRequirements;
import dev.osfit.match.Scoring;
import dev.osfit.match.Verdict;
import dev.osfit.node.NodePlatform;
import dev.osfit.platform.Platform;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * Which workloads will still start on a target platform (an OS upgrade, a new node pool): each
 * workload's pod template is compiled as the extender compiles a pod (the same sources, cache and
 * rule) and matched against the target's node platforms. A workload runs when one of them can run
 * all of its images; on Windows, an image of an older build that the target still runs is called
 * out, since it runs there only while the compatibility window holds.
 */
public final class Planner {

    /** What osfit says about a workload on the target. Ordered as the answer lists them: blockers first. */
    public enum Outcome {
        CANNOT_RUN("cannot run"), UNKNOWN("unknown"), RUNS_OLDER_IMAGE("runs, older image"), RUNS("runs");

        private final String text;

        Outcome(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** A workload: its kind, namespace and name, and its pod template as the extender reads pods. */
    public record Workload(String kind, String namespace, String name, PodFacts template) {
    }

    /** An image of a workload: the platforms it is published for, and where that came from (null: unknown). */
    public record Image(String image, List<String> platforms, String source) {
    }

    /** One row of the plan. {@code why} says what decided (the reason kube-scheduler would show, or what is unknown). */
    public record Row(String kind, String namespace, String name, Outcome outcome, String why, List<Image> images) {
    }

    private final PodCompiler compiler;
    private final Scoring scoring;

    public Planner(PodCompiler compiler, Scoring scoring) {
        this.compiler = compiler;
        this.scoring = scoring;
    }

    /** How many workloads are compiled at once: each may wait on a registry lookup. */
    static final int CONCURRENCY = 32;

    /** Every workload's row, blockers first. */
    public CompletionStage<List<Row>> plan(List<Workload> workloads, List<NodePlatform> targets) {
        return reactor.core.publisher.Flux.fromIterable(workloads)
                .flatMap(w -> reactor.core.publisher.Mono.fromCompletionStage(() -> compiler.compile(w.template())).map(r -> row(w, r, targets)),
                        CONCURRENCY)
                .collectList()
                .map(rows -> {
                    List<Row> out = new ArrayList<>(rows);
                    out.sort(Comparator.comparing(Row::outcome).thenComparing(Row::namespace).thenComparing(Row::kind).thenComparing(Row::name));
                    return out;
                })
                .toFuture();
    }

    Row row(Workload w, PodRequirements r, List<NodePlatform> targets) {
        List<Image> images = new ArrayList<>();
        for (PodRequirements.ImageNeed need : r.known()) {
            images.add(new Image(need.image(), need.platforms().stream().map(Platform::toString).toList(), need.source()));
        }
        for (String unknown : r.unknown()) {
            images.add(new Image(unknown, List.of(), null));
        }
        Matcher matcher = new Matcher(r, scoring);
        Verdict firstFailure = null;
        Outcome best = null;
        for (NodePlatform target : targets) {
            Verdict v = matcher.verdict(target);
            if (!v.passes()) {
                firstFailure = firstFailure == null ? v : firstFailure;
                continue;
            }
            Outcome o = r.unknown().isEmpty() ? (olderImage(r, target) ? Outcome.RUNS_OLDER_IMAGE : Outcome.RUNS) : Outcome.UNKNOWN;
            best = best == null || o.compareTo(best) > 0 ? o : best;
        }
        if (best == null) {
            String why = firstFailure == null ? "no target platform" : firstFailure.reason();
            return new Row(w.kind(), w.namespace(), w.name(), Outcome.CANNOT_RUN, why, images);
        }
        String why = switch (best) {
            case UNKNOWN -> "platforms unknown for " + String.join(", ", r.unknown());
            case RUNS_OLDER_IMAGE -> "runs an image of an older Windows build, inside the compatibility window: " + olderImages(r, targets);
            default -> null;
        };
        return new Row(w.kind(), w.namespace(), w.name(), best, why, images);
    }

    /** On a Windows target, whether some image runs only through an older build (none of its platforms is the target's build). */
    private static boolean olderImage(PodRequirements r, NodePlatform target) {
        return !older(r, target).isEmpty();
    }

    private static List<String> older(PodRequirements r, NodePlatform target) {
        List<String> out = new ArrayList<>();
        if (!target.isWindows() || target.windowsVersion() == null) {
            return out;
        }
        for (PodRequirements.ImageNeed need : r.known()) {
            boolean sameBuild = need.platforms().stream().anyMatch(p -> "windows".equals(p.os()) && p.osVersion() != null
                    && p.osVersion().build() == target.windowsVersion().build());
            if (!sameBuild) {
                out.add(need.image());
            }
        }
        return out;
    }

    private static String olderImages(PodRequirements r, List<NodePlatform> targets) {
        for (NodePlatform t : targets) {
            List<String> images = older(r, t);
            if (!images.isEmpty()) {
                return String.join(", ", images);
            }
        }
        return "";
    }

    /** "12 workloads run, 2 with an older image, 3 cannot, 1 unknown". */
    public static String summary(List<Row> rows) {
        long[] n = new long[Outcome.values().length];
        rows.forEach(r -> n[r.outcome().ordinal()]++);
        long run = n[Outcome.RUNS.ordinal()] + n[Outcome.RUNS_OLDER_IMAGE.ordinal()];
        StringBuilder b = new StringBuilder().append(run).append(run == 1 ? " workload runs" : " workloads run");
        if (n[Outcome.RUNS_OLDER_IMAGE.ordinal()] > 0) {
            b.append(" (").append(n[Outcome.RUNS_OLDER_IMAGE.ordinal()]).append(" on an older image)");
        }
        b.append(", ").append(n[Outcome.CANNOT_RUN.ordinal()]).append(" cannot, ").append(n[Outcome.UNKNOWN.ordinal()]).append(" unknown");
        List<String> blockers = rows.stream().filter(r -> r.outcome() == Outcome.CANNOT_RUN).limit(5)
                .map(r -> r.kind().toLowerCase(Locale.ROOT) + " " + r.namespace() + "/" + r.name()).toList();
        if (!blockers.isEmpty()) {
            b.append(": ").append(String.join(", ", blockers)).append(n[Outcome.CANNOT_RUN.ordinal()] > 5 ? ", ..." : "");
        }
        return b.toString();
    }
}
