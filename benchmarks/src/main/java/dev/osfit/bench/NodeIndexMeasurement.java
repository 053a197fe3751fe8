package dev.osfit.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures osfit's node index as it runs: the real service (the exec jar) in cluster mode against a
 * local API-server stand-in serving realistic nodes.
 *
 * <ul>
 *   <li>start to ready: process start until /actuator/health/readiness answers 200 (first node list indexed);</li>
 *   <li>heap per indexed node: live heap (jcmd GC.class_histogram, after a full GC) with N nodes minus
 *       live heap with none, divided by N: informer cache, index and snapshot together;</li>
 *   <li>names-only /filter answers before, during and after the stand-in is stopped and restarted.</li>
 * </ul>
 *
 * Run: {@code mvn -q install -DskipTests && cd benchmarks && mvn -q package && java -cp target/classes:$(cat target/classpath.txt)
 * dev.osfit.bench.NodeIndexMeasurement [nodes] [exec jar]}
 */
public final class NodeIndexMeasurement {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Run(int nodes, double secondsToLive, double secondsToReady, long liveHeapBytes, java.util.Map<String, Long> byClass,
               List<String> checks) {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path jar = Path.of(args.length > 1 ? args[1] : "../target/osfit-0.1.0-SNAPSHOT-exec.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no osfit exec jar at " + jar + ": run mvn -q install -DskipTests at the top level first");
        }
        List<RealisticNodes.Node> nodes = RealisticNodes.generate(count, 42);
        byte[] list = RealisticNodes.list(nodes, "5000");
        System.out.printf(Locale.ROOT, "node list: %d nodes, %.1f MB, %.1f KB per node%n", count, list.length / 1e6, list.length / 1024.0 / count);
        Path tmp = Files.createTempDirectory("osfit-measure");
        Run base;
        Run full;
        try (StubApiServer empty = new StubApiServer(RealisticNodes.list(List.of(), "1"), 0);
             StubApiServer api = new StubApiServer(list, 0)) {
            base = run(jar, empty, 0, tmp, null);
            full = run(jar, api, count, tmp, nodes);
        }
        double perNode = (full.liveHeapBytes() - base.liveHeapBytes()) / (double) count;
        System.out.printf(Locale.ROOT, "start to ready, %d nodes: %.2f s (JVM and Spring up after %.2f s)%n", count, full.secondsToReady(), full.secondsToLive());
        System.out.printf(Locale.ROOT, "start to ready, 0 nodes: %.2f s%n", base.secondsToReady());
        System.out.printf(Locale.ROOT, "live heap: %d bytes with %d nodes, %d bytes with none: %.0f bytes per node%n",
                full.liveHeapBytes(), count, base.liveHeapBytes(), perNode);
        full.checks().forEach(c -> System.out.println("check: " + c));
        System.out.println("where the bytes per node go (live heap with nodes minus without, by class):");
        full.byClass().entrySet().stream().filter(e -> !e.getKey().equals(TOTAL))
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - base.byClass().getOrDefault(e.getKey(), 0L)))
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(14)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %8.1f  %s%n", e.getValue() / (double) count, e.getKey()));
        Path out = Path.of("results", "node-index-" + LocalDate.now() + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.format(Locale.ROOT, """
                {"nodes": %d, "listBytes": %d, "secondsToReady": %.3f, "secondsToLive": %.3f, "secondsToReadyNoNodes": %.3f,
                 "liveHeapBytes": %d, "liveHeapBytesNoNodes": %d, "heapBytesPerNode": %.1f,
                 "java": "%s", "cpus": %d, "checks": [%s]}
                """, count, list.length, full.secondsToReady(), full.secondsToLive(), base.secondsToReady(), full.liveHeapBytes(),
                base.liveHeapBytes(), perNode, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                String.join(", ", full.checks().stream().map(c -> "\"" + c.replace("\"", "'") + "\"").toList())));
        System.out.println("wrote " + out.toAbsolutePath());
    }

    private static Run run(Path jar, StubApiServer api, int count, Path tmp, List<RealisticNodes.Node> nodes) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // -Dosfit.bench.osfit-jvm="..." adds JVM options (a class-data-sharing archive, for one).
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        String extra = System.getProperty("osfit.bench.osfit-jvm", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split(" +")));
        }
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port,
                "--osfit.nodes.source=cluster", "--osfit.nodes.kubeconfig=" + api.kubeconfig(tmp),
                // The checks read the node index's health details, which osfit shows only when asked to.
                "--management.endpoint.health.show-details=always"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("osfit-" + count + ".log").toFile());
        String base = "http://127.0.0.1:" + port;
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            double live = secondsUntil200(base + "/actuator/health/liveness", t0, 60);
            double ready = secondsUntil200(base + "/actuator/health/readiness", t0, 120);
            List<String> checks = new ArrayList<>();
            if (nodes != null) {
                checks.addAll(resilience(base, api, nodes));
            }
            java.util.Map<String, Long> first = histogram(p.pid());
            java.util.Map<String, Long> second = histogram(p.pid());
            java.util.Map<String, Long> byClass = second.get(TOTAL) <= first.get(TOTAL) ? second : first;
            return new Run(count, live, ready, byClass.get(TOTAL), byClass, checks);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    /** Names-only /filter answered from the index, while the API server is up, down, and back. */
    private static List<String> resilience(String base, StubApiServer api, List<RealisticNodes.Node> nodes) throws Exception {
        List<String> names = new ArrayList<>();
        String w17763 = first(nodes, "10.0.17763");
        String w20348 = first(nodes, "10.0.20348");
        String linux = nodes.get(0).name();
        names.add(w17763);
        names.add(w20348);
        names.add(linux);
        names.add("ghost-node");
        String expectedPass = "\"NodeNames\":[\"" + w17763 + "\"]";
        List<String> checks = new ArrayList<>();
        checks.add(check("filter while the API server is up", filter(base, names), expectedPass, "\"ghost-node\":\"node(s) not yet known to osfit\""));
        api.stop();
        Thread.sleep(2500);
        checks.add(check("filter while the API server is down", filter(base, names), expectedPass, "\"Error\":\"\""));
        String health = get(base + "/actuator/health");
        checks.add(check("health while down", health, "\"watchConnected\":false", "\"status\":\"UP\""));
        api.restart();
        long t0 = System.nanoTime();
        while (!get(base + "/actuator/health").contains("\"watchConnected\":true")) {
            if (System.nanoTime() - t0 > 30_000_000_000L) {
                checks.add("FAIL watch did not reconnect within 30 s");
                return checks;
            }
            Thread.sleep(100);
        }
        checks.add(String.format(Locale.ROOT, "ok watch reconnected %.1f s after the API server came back", (System.nanoTime() - t0) / 1e9));
        checks.add(check("filter after the API server is back", filter(base, names), expectedPass));
        return checks;
    }

    private static String check(String what, String answer, String... expected) {
        for (String e : expected) {
            if (!answer.contains(e)) {
                return "FAIL " + what + ": expected " + e + " in " + answer;
            }
        }
        return "ok " + what;
    }

    private static String first(List<RealisticNodes.Node> nodes, String build) {
        return nodes.stream().filter(n -> build.equals(n.build())).findFirst().orElseThrow().name();
    }

    private static String filter(String base, List<String> names) throws Exception {
        String pod = "{\"metadata\":{\"name\":\"iis\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"iis\","
                + "\"image\":\"mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019\"}]}}";
        String body = "{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[\"" + String.join("\",\"", names) + "\"]}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/filter")).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double secondsUntil200(String url, long t0, int limitSeconds) throws Exception {
        return secondsUntil200(url, t0, limitSeconds, null);
    }

    /** Seconds from {@code t0} until {@code url} answers 200; fails at the limit, or at once if {@code process} (when given) exits. */
    static double secondsUntil200(String url, long t0, int limitSeconds, Process process) throws Exception {
        while (true) {
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return (System.nanoTime() - t0) / 1e9;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("osfit exited with " + process.exitValue() + " before " + url + " answered 200");
            }
            if (System.nanoTime() - t0 > limitSeconds * 1_000_000_000L) {
                throw new IllegalStateException(url + " not 200 within " + limitSeconds + " s");
            }
            Thread.sleep(5);
        }
    }

    private static final String TOTAL = "(total)";

    /** Live heap bytes per class and in total: jcmd's class histogram runs a full GC and counts what survives. */
    /** Live heap bytes of a process (full GC first). */
    static long liveHeap(long pid) throws Exception {
        return histogram(pid).get(TOTAL);
    }

    private static java.util.Map<String, Long> histogram(long pid) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid),
                "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 3 && parts[0].equals("Total")) {
                bytes.put(TOTAL, Long.parseLong(parts[2]));
            } else if (parts.length >= 4 && parts[0].endsWith(":")) {
                bytes.merge(parts[3], Long.parseLong(parts[2]), Long::sum);
            }
        }
        if (!bytes.containsKey(TOTAL)) {
            throw new IllegalStateException("no Total in jcmd output: " + out);
        }
        return bytes;
    }
}
