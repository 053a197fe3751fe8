package dev.osfit.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission latency of the placement-hint webhook, end to end: the real service (exec jar, cluster
 * mode, index of 1000 nodes from the API-server stand-in, registry on) answering AdmissionReviews
 * for pod CREATE. Warm: every pod uses an image already in the cache. Cold: every pod uses an image
 * never seen, so each review waits for a lookup at the registry stand-in on loopback (one index
 * request; a real registry adds its round trips, and a token exchange where it asks for one).
 * Concurrency 1 and 8, bounded in count and time; loopback only.
 *
 * <p>Run: {@code java -cp target/benchmarks.jar dev.osfit.bench.AdmissionDriver [exec jar]}; writes
 * {@code results/admission-<date>.json}.
 */
public final class AdmissionDriver {

    record Result(String cache, int concurrency, int requests, int hinted, int errors, double p50Millis, double p99Millis,
                  double maxMillis) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private AdmissionDriver() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "../target/osfit-0.1.0-SNAPSHOT-exec.jar").toAbsolutePath();
        Path tmp = Files.createTempDirectory("osfit-admission");
        // Without it the JDK's HttpServer writes headers and body in two segments and Nagle plus
        // delayed ACKs add 40 ms to every registry answer: a cost of the stand-in, not of osfit.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer registry = SoakDriver.registry();
        String registryHost = "127.0.0.1:" + registry.getAddress().getPort();
        try (StubApiServer api = new StubApiServer(RealisticNodes.list(BenchData.nodes(1000), "1"), 0)) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process osfit = new ProcessBuilder(java, "-Xmx1g", "-jar", jar.toString(), "--server.port=" + port,
                    "--osfit.nodes.source=cluster", "--osfit.nodes.kubeconfig=" + api.kubeconfig(tmp),
                    "--osfit.registry.insecure=" + registryHost, "--osfit.registry.allow=127.0.0.1",
                    "--osfit.registry.prefetch=false", "--logging.level.root=WARN")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("osfit.log").toFile()).start();
            try {
                String url = "http://127.0.0.1:" + port + "/admission/pods";
                LoadDriver.waitReady("http://127.0.0.1:" + port + "/actuator/health/readiness");
                AtomicInteger fresh = new AtomicInteger();
                List<Result> results = new ArrayList<>();
                // Warm-up of the JVM: cold lookups and cached ones, not measured.
                measure(url, "warmup", 4, 2000, i -> registryHost + "/team/app" + (i % 50) + ":1");
                measure(url, "warmup", 4, 500, i -> registryHost + "/team/warm" + fresh.incrementAndGet() + ":1");
                for (int concurrency : List.of(1, 8)) {
                    results.add(measure(url, "warm", concurrency, 3000, i -> registryHost + "/team/app" + (i % 50) + ":1"));
                    results.add(measure(url, "cold", concurrency, 1000, i -> registryHost + "/team/cold" + fresh.incrementAndGet() + ":1"));
                }
                StringBuilder json = new StringBuilder("{\"date\":\"" + LocalDate.now() + "\",\"machine\":\"" + Machine.describe()
                        + "\",\"nodes\":1000,\"results\":[");
                for (int i = 0; i < results.size(); i++) {
                    Result r = results.get(i);
                    json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                            "{\"cache\":\"%s\",\"concurrency\":%d,\"requests\":%d,\"hinted\":%d,\"errors\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f}",
                            r.cache(), r.concurrency(), r.requests(), r.hinted(), r.errors(), r.p50Millis(), r.p99Millis(), r.maxMillis()));
                }
                json.append("]}\n");
                Path out = Path.of("results", "admission-" + LocalDate.now() + ".json");
                Files.createDirectories(out.getParent());
                Files.writeString(out, json);
                Files.writeString(Path.of("results", "admission-latest.json"), json);
                System.out.println("wrote " + out);
            } finally {
                osfit.destroy();
                osfit.waitFor();
            }
        } finally {
            registry.stop(0);
        }
    }

    static Result measure(String url, String cache, int concurrency, int count, java.util.function.IntFunction<String> image)
            throws Exception {
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger hinted = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long deadline = System.nanoTime() + 60_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
                        byte[] body = review(i, image.apply(i));
                        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                        long t = System.nanoTime();
                        try {
                            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                            latencies[i] = System.nanoTime() - t;
                            if (r.statusCode() != 200 || !r.body().contains("\"allowed\":true")) {
                                errors.incrementAndGet();
                            } else if (r.body().contains("\"patch\"") && hinted(r.body())) {
                                hinted.incrementAndGet();
                            }
                        } catch (java.io.IOException | InterruptedException e) {
                            latencies[i] = System.nanoTime() - t;
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int done = Math.min(count, next.get());
        long[] sorted = Arrays.copyOf(latencies, done);
        Arrays.sort(sorted);
        Result r = new Result(cache, concurrency, done, hinted.get(), errors.get(), LoadDriver.pct(sorted, 0.50), LoadDriver.pct(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "  admission %-6s c=%d  n=%5d  hinted %5d  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%s%n",
                cache, concurrency, done, r.hinted(), r.p50Millis(), r.p99Millis(), r.maxMillis(),
                errors.get() > 0 ? "  ERRORS " + errors.get() : "");
        return r;
    }

    /** Whether the base64 patch in the answer says "hinted" (the annotation osfit writes). */
    private static boolean hinted(String body) {
        int at = body.indexOf("\"patch\":\"");
        String b64 = body.substring(at + 9, body.indexOf('"', at + 9));
        return new String(java.util.Base64.getDecoder().decode(b64), StandardCharsets.UTF_8).contains("hinted: ");
    }

    static byte[] review(int i, String image) {
        return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u-" + i
                + "\",\"operation\":\"CREATE\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"namespace\":\"default\","
                + "\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p" + i + "\",\"namespace\":\"default\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"" + image + "\",\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}],"
                + "\"tolerations\":[{\"key\":\"os\",\"operator\":\"Equal\",\"value\":\"windows\",\"effect\":\"NoSchedule\"}]}}}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
