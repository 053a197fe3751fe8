package dev.osfit.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * What pod authors and registries can make osfit keep (issue 14, item 1): the real service with a
 * 256 MB heap gets the cache-filling sequences that used to exhaust a 512 MB one, twice over, and its
 * live heap (after a full GC, {@code jcmd GC.class_histogram}) is measured after each. Every sequence
 * uses values never seen before, so each one would be a new cache entry if osfit kept it:
 *
 * <ul>
 *   <li>platform annotations of 16,000 characters (just under the 16 KiB cap), and of 250 KB (over it);
 *   <li>pods of 32 containers with image references of about 1000 characters (just under the cap; their
 *       names are over 255 characters, so they are invalid), of about 380 characters (the longest valid
 *       ones: a 251-character name and a 128-character tag, which the registry answers 404), and
 *       references of 1 MB (over the cap);
 *   <li>pods of 32 images whose tags the registry answers with a 4 MB index of 256 platforms (the most
 *       osfit reads), every field of every platform distinct.
 * </ul>
 *
 * Loopback only, bounded in count. Writes {@code results/hostile-heap-<date>.json}.
 *
 * <p>Run: {@code java -cp target/benchmarks.jar dev.osfit.bench.HostileHeapDriver [scale, default 1] [exec jar]}
 */
public final class HostileHeapDriver {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicLong REGISTRY_BYTES = new AtomicLong();
    private static final AtomicInteger REGISTRY_REQUESTS = new AtomicInteger();
    static final int PLATFORMS = 256;
    static final int INDEX_BYTES = 4_000_000;

    private HostileHeapDriver() {
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        Path jar = Path.of(args.length > 1 ? args[1] : "../target/osfit-0.1.0-SNAPSHOT-exec.jar").toAbsolutePath();
        Path tmp = Files.createTempDirectory("osfit-hostile-heap");
        HttpServer registry = registry();
        String host = "127.0.0.1:" + registry.getAddress().getPort();
        List<RealisticNodes.Node> nodes = BenchData.nodes(5);
        Map<String, IntFunction<String>> sequences = new LinkedHashMap<>();
        sequences.put("annotation 16,000 chars", i -> pod(i, annotation(i, 16_000), List.of("mcr.microsoft.com/windows/servercore:ltsc2022")));
        sequences.put("annotation 250 KB (over the cap)", i -> pod(i, annotation(i, 250_000), List.of("mcr.microsoft.com/windows/servercore:ltsc2022")));
        sequences.put("32 image refs of ~1000 chars", i -> pod(i, null, images(32, k -> host + "/hostile-ref/" + ("r" + i + "x" + k + "/").repeat(200).substring(0, 950) + "a:1")));
        sequences.put("32 valid refs of ~380 chars, each a 404", i -> pod(i, null, images(32, k -> {
            String name = (host + "/hostile-ref/" + ("v" + i + "x" + k + "/").repeat(60)).substring(0, 250) + "a";
            return name + ":" + ("t" + i + "x" + k + "_").repeat(40).substring(0, 128);
        })));
        sequences.put("image ref of 1 MB (over the cap)", i -> pod(i, null, List.of(host + "/" + ("p" + i + "/").repeat(300_000).substring(0, 1_000_000) + "a:1")));
        sequences.put("32 tags with 4 MB indexes of 256 platforms", i -> pod(i, null, images(32, k -> host + "/big/app:t" + i + "-" + k)));
        Map<String, Integer> counts = Map.of("annotation 16,000 chars", 2000, "annotation 250 KB (over the cap)", 400,
                "32 image refs of ~1000 chars", 300, "32 valid refs of ~380 chars, each a 404", 300, "image ref of 1 MB (over the cap)", 200, "32 tags with 4 MB indexes of 256 platforms", 20);

        StringBuilder json = new StringBuilder();
        try (OsfitProcess osfit = OsfitProcess.start(jar, "-Xmx256m -XX:-ExitOnOutOfMemoryError", tmp.resolve("osfit.log"),
                "--osfit.nodes.source=request", "--osfit.registry.insecure=" + host, "--osfit.registry.allow=127.0.0.1",
                "--osfit.registry.prefetch=false", "--logging.level.root=WARN")) {
            String base = osfit.base();
            LoadDriver.waitReady(base + "/actuator/health/readiness");
            byte[] warm = BenchData.fullRequest(BenchData.pod("windows"), nodes);
            for (int i = 0; i < 200; i++) {
                post(base, warm);
            }
            long baseline = NodeIndexMeasurement.liveHeap(osfit.pid());
            System.out.printf(Locale.ROOT, "live heap after warm-up: %.1f MB%n", baseline / 1e6);
            json.append(String.format(Locale.ROOT, "{\"date\": \"%s\", \"heap\": \"-Xmx256m\", \"liveHeapAfterWarmupMB\": %.1f, \"steps\": [%n",
                    LocalDate.now(), baseline / 1e6));
            int offset = 0;
            long max = baseline;
            int errors = 0;
            String sep = "";
            for (int round = 1; round <= 2; round++) {
                for (Map.Entry<String, IntFunction<String>> sequence : sequences.entrySet()) {
                    int n = (int) Math.max(1, counts.get(sequence.getKey()) * scale);
                    long start = System.nanoTime();
                    Map<Integer, Integer> statuses = new java.util.TreeMap<>();
                    for (int i = 0; i < n; i++) {
                        int status = post(base, BenchData.fullRequest(sequence.getValue().apply(offset + i), nodes));
                        statuses.merge(status, 1, Integer::sum);
                        if (status != 200) {
                            errors++;
                        }
                    }
                    offset += n;
                    double seconds = (System.nanoTime() - start) / 1e9;
                    long live = NodeIndexMeasurement.liveHeap(osfit.pid());
                    max = Math.max(max, live);
                    String line = String.format(Locale.ROOT, "round %d, %-45s %5d requests in %5.1f s, statuses %s: live heap %.1f MB",
                            round, sequence.getKey() + ":", n, seconds, statuses, live / 1e6);
                    System.out.println(line);
                    json.append(sep).append(String.format(Locale.ROOT,
                            "  {\"round\": %d, \"sequence\": \"%s\", \"requests\": %d, \"seconds\": %.1f, \"statuses\": \"%s\", \"liveHeapMB\": %.1f}",
                            round, sequence.getKey(), n, seconds, statuses, live / 1e6));
                    sep = ",\n";
                }
            }
            boolean alive = osfit.process.isAlive();
            json.append(String.format(Locale.ROOT, "%n], \"maxLiveHeapMB\": %.1f, \"non200\": %d, \"registryRequests\": %d, \"registryGB\": %.2f, "
                            + "\"osfitAlive\": %b, \"machine\": \"%s\"}%n",
                    max / 1e6, errors, REGISTRY_REQUESTS.get(), REGISTRY_BYTES.get() / 1e9, alive, Machine.describe()));
            System.out.printf(Locale.ROOT, "max live heap %.1f MB; %d answers other than 200; registry sent %d answers, %.2f GB; osfit alive: %b%n",
                    max / 1e6, errors, REGISTRY_REQUESTS.get(), REGISTRY_BYTES.get() / 1e9, alive);
        } finally {
            registry.stop(0);
        }
        if (scale == 1) {
            Files.createDirectories(Path.of("results"));
            Files.writeString(Path.of("results", "hostile-heap-" + LocalDate.now() + ".json"), json);
        }
    }

    private static int post(String base, byte[] body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/filter")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<String> images(int count, IntFunction<String> image) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(image.apply(k));
        }
        return out;
    }

    /** A platform annotation of about {@code length} characters, every line new. */
    private static String annotation(int i, int length) {
        StringBuilder b = new StringBuilder(length + 100);
        for (int line = 0; b.length() < length - 80; line++) {
            b.append("registry.local/a").append(i).append("-").append(line).append(":1 windows(10.0.17763)/amd64\\n");
        }
        return b.toString();
    }

    private static String pod(int i, String annotation, List<String> images) {
        StringBuilder b = new StringBuilder("{\"metadata\":{\"name\":\"hostile-").append(i).append("\",\"namespace\":\"bench\"");
        if (annotation != null) {
            b.append(",\"annotations\":{\"osfit.dev/image-platforms\":\"").append(annotation).append("\"}");
        }
        b.append("},\"spec\":{\"containers\":[");
        for (int k = 0; k < images.size(); k++) {
            b.append(k == 0 ? "" : ",").append("{\"name\":\"c").append(k).append("\",\"image\":\"").append(images.get(k)).append("\"}");
        }
        return b.append("]}}").toString();
    }

    /** /v2/big/...: a 4 MB index of 256 platforms, every string in it new; anything else 404. */
    private static HttpServer registry() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        AtomicInteger serial = new AtomicInteger();
        server.createContext("/v2/", exchange -> {
            REGISTRY_REQUESTS.incrementAndGet();
            if (!exchange.getRequestURI().getPath().startsWith("/v2/big/")) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            int s = serial.incrementAndGet();
            int pad = INDEX_BYTES / PLATFORMS - 520;
            StringBuilder b = new StringBuilder(INDEX_BYTES + 4096);
            b.append("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
            for (int k = 0; k < PLATFORMS; k++) {
                String unique = String.format(Locale.ROOT, "%08d%04d", s, k);
                b.append(k == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:")
                        .append((unique + "0".repeat(64)).substring(0, 64)).append("\",\"size\":1,\"platform\":{\"architecture\":\"amd64\",")
                        .append("\"os\":\"windows\",\"os.version\":\"10.0.").append(s).append('.').append(k).append("\",")
                        .append("\"variant\":\"v").append((unique + "v".repeat(60)).substring(0, 60)).append("\",")
                        .append("\"os.features\":[\"f").append((unique + "f".repeat(60)).substring(0, 60)).append("\"]},")
                        .append("\"annotations\":{\"pad\":\"").append("x".repeat(pad)).append("\"}}");
            }
            byte[] body = b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.index.v1+json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            REGISTRY_BYTES.addAndGet(body.length);
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hostile-registry");
            t.setDaemon(true); // the driver exits when it is done
            return t;
        }));
        server.start();
        return server;
    }
}
