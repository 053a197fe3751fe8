package dev.osfit.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
            try (OsfitProcess osfit = OsfitProcess.start(jar, "-Xmx1g", tmp.resolve("osfit.log"), "--osfit.nodes.source=cluster",
                    "--osfit.nodes.kubeconfig=" + api.kubeconfig(tmp), "--osfit.registry.insecure=" + registryHost,
                    "--osfit.registry.allow=127.0.0.1", "--osfit.registry.prefetch=false", "--logging.level.root=WARN")) {
                String url = osfit.base() + "/admission/pods";
                LoadDriver.waitReady(osfit.base() + "/actuator/health/readiness");
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
            }
        } finally {
            registry.stop(0);
        }
    }

    static Result measure(String url, String cache, int concurrency, int count, java.util.function.IntFunction<String> image)
            throws Exception {
        long[] latencies = new long[count];
        AtomicInteger hinted = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        int done = LoadDriver.run(i -> HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(review(i, image.apply(i)))).build(),
                r -> {
                    String body = new String(r.body(), StandardCharsets.UTF_8);
                    if (r.statusCode() != 200 || !body.contains("\"allowed\":true")) {
                        return false;
                    }
                    if (body.contains("\"patch\"") && hinted(body)) {
                        hinted.incrementAndGet();
                    }
                    return true;
                }, concurrency, count, 60, latencies, errors);
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
