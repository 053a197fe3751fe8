package dev.osfit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * The chart of the real control plane's comparisons: for each target of the real-scheduler and hints
 * runs, osfit's ratio to what it is measured against (the mean of the rounds as a bar, each round's own
 * ratio as a dot) and the target as a tick. Read from the newest published {@code results/real-scheduler-*},
 * {@code real-scheduler-full-nodes-*} and {@code hints-*} files; written to {@code results/real-scheduler.svg}
 * whenever a driver publishes, or by hand:
 *
 * <pre>java -cp target/classes:$(cat target/classpath.txt) dev.osfit.bench.RatioChart</pre>
 */
public final class RatioChart {

    /** One comparison: a name, the file it comes from, the ratio of the means, each round's ratio, the target. */
    record Bar(String label, String file, double ratio, List<Double> rounds, double target) {
    }

    private RatioChart() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("written to " + write(Path.of("results")));
    }

    /** Redraws the chart from the newest published results in {@code dir}; returns the file written. */
    static Path write(Path dir) throws IOException {
        List<Bar> bars = new ArrayList<>();
        Path names = newest(dir, "real-scheduler-2");
        if (names != null) {
            JsonNode d = RealSchedulerDriver.JSON.readTree(names.toFile());
            bars.add(bar("names mode: pods bound/s, osfit / floor", names, d, "podsPerSecond", "OSFIT", "NOOP", 0.95));
        }
        Path full = newest(dir, "real-scheduler-full-nodes-");
        if (full != null) {
            JsonNode d = RealSchedulerDriver.JSON.readTree(full.toFile());
            bars.add(bar("full-nodes mode: pods bound/s, osfit / floor", full, d, "podsPerSecond", "OSFIT", "NOOP", 0.95));
        }
        Path hints = newest(dir, "hints-");
        if (hints != null) {
            JsonNode d = RealSchedulerDriver.JSON.readTree(hints.toFile());
            bars.add(bar("hints: pods created/s, osfit / webhook floor", hints, d, "createdPerSecond", "OSFIT", "NOOP", 0.9));
            bars.add(bar("hints: pods bound/s, hinted / no webhook", hints, d, "boundPerSecond", "OSFIT", "NONE", 0.9));
        }
        Path out = dir.resolve("real-scheduler.svg");
        Files.writeString(out, svg(bars));
        return out;
    }

    /** The newest file whose name starts with {@code prefix} and ends in a date (names sort by date). */
    private static Path newest(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(java.util.regex.Pattern.quote(prefix) + "[0-9-]*\\.json"))
                    .sorted().reduce((a, b) -> b).orElse(null);
        }
    }

    private static Bar bar(String label, Path file, JsonNode results, String field, String of, String against, double target) {
        List<Double> rounds = new ArrayList<>();
        double sumOf = 0;
        double sumAgainst = 0;
        int nOf = 0;
        int nAgainst = 0;
        for (JsonNode run : results.path("runs")) {
            if (run.path("setup").asString("").equals(of)) {
                sumOf += run.path(field).asDouble();
                nOf++;
                for (JsonNode other : results.path("runs")) {
                    if (other.path("setup").asString("").equals(against) && other.path("round").asInt() == run.path("round").asInt()) {
                        rounds.add(run.path(field).asDouble() / other.path(field).asDouble());
                    }
                }
            } else if (run.path("setup").asString("").equals(against)) {
                sumAgainst += run.path(field).asDouble();
                nAgainst++;
            }
        }
        return new Bar(label, file.getFileName().toString(), (sumOf / nOf) / (sumAgainst / nAgainst), rounds, target);
    }

    static String svg(List<Bar> bars) {
        int w = 760;
        int rowHeight = 46;
        int left = 300;
        int right = 60;
        int top = 40;
        int h = top + rowHeight * bars.size() + 40;
        double max = 2.5;
        StringBuilder s = Report.svgStart(w, h, 10, "Real kube-scheduler and API server v1.32.5: osfit's ratio"
                + " (bar: means of the rounds, dots: each round, tick: target)");
        for (double v = 0; v <= max + 1e-9; v += 0.5) {
            double x = left + (w - left - right) * v / max;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>%n",
                    x, x, top - 6, h - 34, v == 1.0 ? "#999" : "#e5e5e5", x, h - 20, v));
        }
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = top + i * rowHeight;
            boolean met = b.ratio() >= b.target();
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 8, y + 16, Report.escape(b.label())));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#777\" font-size=\"10\">%s</text>%n",
                    left - 8, y + 30, Report.escape(b.file())));
            double bw = (w - left - right) * Math.min(b.ratio(), max) / max;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"/>%n",
                    left, y + 4, bw, met ? "#2ca02c" : "#d62728"));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2f</text>%n", left + bw + 4, y + 18, b.ratio()));
            for (double r : b.rounds()) {
                double x = left + (w - left - right) * Math.min(r, max) / max;
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"3\" fill=\"black\"/>%n", x, y + 14));
            }
            double tx = left + (w - left - right) * b.target() / max;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>%n",
                    tx, tx, y, y + 28));
        }
        return s.append("</svg>\n").toString();
    }
}
