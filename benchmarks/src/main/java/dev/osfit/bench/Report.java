package dev.osfit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/** Turns a suite run into results/DATE-CPU.json, a Markdown table and an SVG chart, read against the targets. */
final class Report {

    record Row(String benchmark, Map<String, String> params, double micros, double error) {
        String param(String name) {
            return params.get(name);
        }
    }

    private Report() {
    }

    static void write(Path dir, String stamp, Collection<RunResult> jmh, LoadDriver.Report load, double minutes, boolean quick) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (RunResult r : jmh) {
            Map<String, String> params = new LinkedHashMap<>();
            for (String key : r.getParams().getParamsKeys()) {
                params.put(key, r.getParams().getParam(key));
            }
            String name = r.getParams().getBenchmark();
            rows.add(new Row(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1), params,
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
        }
        String md = markdown(rows, load, minutes, quick);
        String svg = chart(rows);
        Files.writeString(dir.resolve(stamp + ".md"), md);
        Files.writeString(dir.resolve(stamp + ".svg"), svg);
        Files.writeString(dir.resolve(stamp + ".json"), json(rows, load, minutes, quick));
        Files.copy(dir.resolve(stamp + ".md"), dir.resolve("latest.md"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve(stamp + ".svg"), dir.resolve("latest.svg"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println(md);
    }

    private static Row find(List<Row> rows, String benchmark, String... params) {
        for (Row r : rows) {
            if (!r.benchmark().startsWith(benchmark)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < params.length; i += 2) {
                all &= params[i + 1].equals(r.param(params[i]));
            }
            if (all) {
                return r;
            }
        }
        return null;
    }

    static String markdown(List<Row> rows, LoadDriver.Report load, double minutes, boolean quick) {
        StringBuilder b = new StringBuilder();
        b.append("Measured ").append(LocalDate.now()).append(" on ").append(Machine.describe()).append(quick ? " (--quick)" : "")
                .append("; suite ").append(String.format(Locale.ROOT, "%.1f", minutes)).append(" min.\n\n");
        b.append("### Matcher: filter and score of one pod, names mode, from the index snapshot\n\n");
        b.append("| nodes | pod | osfit µs/pod | ns/node | baseline µs/pod | baseline / osfit |\n|---:|---|---:|---:|---:|---:|\n");
        for (String pod : List.of("windows", "linux")) {
            for (String n : List.of("100", "1000", "5000", "15000")) {
                Row o = find(rows, "MatcherBenchmark", "impl", "osfit", "pod", pod, "nodes", n);
                Row base = find(rows, "MatcherBenchmark", "impl", "baseline", "pod", pod, "nodes", n);
                if (o == null) {
                    continue;
                }
                b.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %s | %s |%n", n, pod, o.micros(), o.micros() * 1000 / Integer.parseInt(n),
                        base == null ? "" : String.format(Locale.ROOT, "%.1f", base.micros()),
                        base == null ? "" : String.format(Locale.ROOT, "%.1f×", base.micros() / o.micros())));
            }
        }
        Row m5 = find(rows, "MatcherBenchmark", "impl", "osfit", "pod", "windows", "nodes", "5000");
        if (m5 != null) {
            b.append(String.format(Locale.ROOT, "%nTarget at 5000 nodes: at most 50 µs per pod and 10 ns per node: %.1f µs, %.1f ns per node (%s).%n",
                    m5.micros(), m5.micros() * 1000 / 5000, m5.micros() <= 50 && m5.micros() * 1000 / 5000 <= 10 ? "met" : "MISSED"));
        }
        b.append("\n### Request decoding and answer encoding, 5000 nodes\n\n| step | form | osfit ms | baseline ms | baseline / osfit |\n|---|---|---:|---:|---:|\n");
        for (String bench : List.of("DecodeBenchmark", "EncodeBenchmark")) {
            for (String form : List.of("full", "names")) {
                Row o = find(rows, bench, "impl", "osfit", "form", form);
                Row base = find(rows, bench, "impl", "baseline", "form", form);
                if (o != null && base != null) {
                    b.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.1f× |%n", bench.replace("Benchmark", "").toLowerCase(Locale.ROOT),
                            form, o.micros() / 1000, base.micros() / 1000, base.micros() / o.micros()));
                }
            }
        }
        Row df = find(rows, "DecodeBenchmark", "impl", "osfit", "form", "full");
        Row db = find(rows, "DecodeBenchmark", "impl", "baseline", "form", "full");
        if (df != null && db != null) {
            b.append(String.format(Locale.ROOT, "%nTarget: full-Nodes decode at 5000 nodes at least 10× faster than client-java: %.1f× (%s).%n",
                    db.micros() / df.micros(), db.micros() / df.micros() >= 10 ? "met" : "MISSED"));
        }
        Row idx = find(rows, "IndexUpdateBenchmark");
        if (idx != null) {
            b.append(String.format(Locale.ROOT, "%nOne node event applied and a new snapshot published at 5000 nodes: %.1f µs.%n", idx.micros()));
        }
        if (load != null) {
            b.append(String.format(Locale.ROOT, "%n### End to end on loopback: osfit (cluster mode, index of 5000 nodes, -Xmx2g), ready after %.1f s%n%n",
                    load.secondsToReady()));
            b.append("| verb | form | nodes | concurrency | requests | errors | p50 ms | p99 ms | p99.9 ms | req/s |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (LoadDriver.Result r : load.results()) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %.2f | %.2f | %.2f | %.1f |%n", r.verb(), r.form(), r.nodes(),
                        r.concurrency(), r.requests(), r.errors(), r.p50Millis(), r.p99Millis(), r.p999Millis(), r.requestsPerSecond()));
            }
            for (LoadDriver.Result r : load.results()) {
                if (r.verb().equals("filter") && r.form().equals("names") && r.concurrency() == 1) {
                    b.append(String.format(Locale.ROOT, "%nTarget: names-mode /filter at 5000 nodes p50 ≤ 1 ms, p99 ≤ 3 ms: p50 %.2f ms, p99 %.2f ms (%s).%n",
                            r.p50Millis(), r.p99Millis(), r.p50Millis() <= 1 && r.p99Millis() <= 3 ? "met" : "MISSED"));
                }
                if (r.verb().equals("filter") && r.form().equals("full") && r.nodes() == 500 && r.concurrency() == 1) {
                    b.append(String.format(Locale.ROOT, "Target: full-nodes /filter at 500 nodes p50 ≤ 15 ms: %.2f ms (%s).%n",
                            r.p50Millis(), r.p50Millis() <= 15 ? "met" : "MISSED"));
                }
            }
            b.append(String.format(Locale.ROOT, "%nosfit's live heap after the load runs (full GC): %.1f MB.%n", load.liveHeapAfterBytes() / 1e6));
        }
        return b.toString();
    }

    static String json(List<Row> rows, LoadDriver.Report load, double minutes, boolean quick) {
        StringBuilder b = new StringBuilder("{\n  \"date\": \"").append(LocalDate.now()).append("\",\n  \"machine\": \"")
                .append(Machine.describe().replace("\"", "'")).append("\",\n  \"quick\": ").append(quick)
                .append(",\n  \"suiteMinutes\": ").append(String.format(Locale.ROOT, "%.2f", minutes)).append(",\n  \"jmh\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append("    {\"benchmark\": \"").append(r.benchmark()).append("\", \"params\": {");
            List<String> ps = new ArrayList<>();
            r.params().forEach((k, v) -> ps.add("\"" + k + "\": \"" + v + "\""));
            b.append(String.join(", ", ps)).append(String.format(Locale.ROOT, "}, \"microsPerOp\": %.4f, \"error\": %.4f}", r.micros(), r.error()))
                    .append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        b.append("  ]");
        if (load != null) {
            b.append(String.format(Locale.ROOT, ",\n  \"load\": {\"secondsToReady\": %.2f, \"liveHeapAfterBytes\": %d, \"runs\": [%n",
                    load.secondsToReady(), load.liveHeapAfterBytes()));
            for (int i = 0; i < load.results().size(); i++) {
                LoadDriver.Result r = load.results().get(i);
                b.append(String.format(Locale.ROOT, "    {\"verb\": \"%s\", \"form\": \"%s\", \"nodes\": %d, \"concurrency\": %d, \"requests\": %d, "
                                + "\"errors\": %d, \"seconds\": %.2f, \"p50Ms\": %.3f, \"p99Ms\": %.3f, \"p999Ms\": %.3f, \"maxMs\": %.3f, \"rps\": %.1f}%s%n",
                        r.verb(), r.form(), r.nodes(), r.concurrency(), r.requests(), r.errors(), r.seconds(), r.p50Millis(), r.p99Millis(),
                        r.p999Millis(), r.maxMillis(), r.requestsPerSecond(), i + 1 < load.results().size() ? "," : ""));
            }
            b.append("  ]}");
        }
        return b.append("\n}\n").toString();
    }

    /** An SVG document of {@code w} x {@code h} on white, with its title at {@code titleX}: the start every chart here shares. */
    static StringBuilder svgStart(int w, int h, int titleX, String title) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>%n", titleX,
                escape(title)));
        return s;
    }

    /** Text as SVG takes it. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;");
    }

    /** Time per pod against node count, log-log, osfit against the baseline, for both pods. */
    static String chart(List<Row> rows) {
        int w = 720;
        int h = 420;
        int left = 70;
        int right = 170;
        int top = 30;
        int bottom = 50;
        double minX = Math.log10(100);
        double maxX = Math.log10(15000);
        double minY = Math.log10(0.1);
        double maxY = Math.log10(100_000);
        StringBuilder s = svgStart(w, h, left, "Filter + score of one pod (names mode): µs per pod");
        for (int e = -1; e <= 5; e++) {
            double y = top + (h - top - bottom) * (1 - (e - minY) / (maxY - minY));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left, w - right, y, y, left - 6, y + 4, e < 0 ? "0.1" : String.valueOf((long) Math.pow(10, e))));
        }
        for (int n : new int[] {100, 1000, 5000, 15000}) {
            double x = left + (w - left - right) * (Math.log10(n) - minX) / (maxX - minX);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                    x, x, top, h - bottom, x, h - bottom + 16, n));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">nodes</text>%n", left + (w - left - right) / 2, h - 12));
        String[][] series = {{"osfit", "windows", "#1f77b4", ""}, {"osfit", "linux", "#2ca02c", ""},
                {"baseline", "windows", "#d62728", "6,4"}, {"baseline", "linux", "#ff7f0e", "6,4"}};
        int legend = 0;
        for (String[] sr : series) {
            StringBuilder points = new StringBuilder();
            for (String n : List.of("100", "1000", "5000", "15000")) {
                Row r = find(rows, "MatcherBenchmark", "impl", sr[0], "pod", sr[1], "nodes", n);
                if (r == null || r.micros() <= 0) {
                    continue;
                }
                double x = left + (w - left - right) * (Math.log10(Integer.parseInt(n)) - minX) / (maxX - minX);
                double y = top + (h - top - bottom) * (1 - (Math.log10(r.micros()) - minY) / (maxY - minY));
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, sr[2]));
            }
            s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"%s\"/>%n",
                    points.toString().trim(), sr[2], sr[3]));
            int ly = top + 20 + 20 * legend++;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s, %s pod</text>%n", w - right + 10, w - right + 35, ly, ly, sr[2], sr[3], w - right + 40, ly + 4, sr[0], sr[1]));
        }
        // The target: 50 µs at 5000 nodes.
        double tx = left + (w - left - right) * (Math.log10(5000) - minX) / (maxX - minX);
        double ty = top + (h - top - bottom) * (1 - (Math.log10(50) - minY) / (maxY - minY));
        s.append(String.format(Locale.ROOT, "<path d=\"M%.1f,%.1f l6,-6 l6,6 l-6,6 z\" transform=\"translate(-6,0)\" fill=\"none\" stroke=\"black\"/>"
                + "<text x=\"%.1f\" y=\"%.1f\">target</text>%n", tx, ty, tx + 8, ty - 8));
        return s.append("</svg>\n").toString();
    }
}
