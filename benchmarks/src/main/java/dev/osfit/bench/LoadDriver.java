package dev.osfit.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End to end against a running osfit on loopback: the real service (exec jar, cluster mode) with its
 * node index fed by a local API-server stand-in serving 5000 kubelet-shaped nodes. Sends /filter and
 * /prioritize in names mode and in full-nodes mode, one request at a time (as kube-scheduler calls
 * filter) and 8 at a time, each run bounded in count and time, and reports latency percentiles,
 * requests per second and osfit's live heap afterwards. Before any run, osfit's JIT is warmed as a
 * service that has run a while is: the JVM compiles a method per request fully only after some
 * thousands of calls, and the first thousands are not what a request costs in a running cluster.
 *
 * <p>Alone (prints, writes nothing): {@code java -cp target/benchmarks.jar dev.osfit.bench.LoadDriver [nodes]}
 */
public final class LoadDriver {

    /** One measured run. */
    public record Result(String verb, String form, int nodes, int concurrency, int requests, int errors, double seconds,
                         double p50Millis, double p99Millis, double p999Millis, double maxMillis, double requestsPerSecond) {
    }

    /** Everything the driver measured, and osfit's live heap after it. */
    public record Report(List<Result> results, long liveHeapAfterBytes, double secondsToReady) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private LoadDriver() {
    }

    public static Report run(Path jar, int nodeCount, boolean quick) throws Exception {
        List<RealisticNodes.Node> nodes = BenchData.nodes(nodeCount);
        Path tmp = Files.createTempDirectory("osfit-load");
        try (StubApiServer api = new StubApiServer(RealisticNodes.list(nodes, "1"), 0)) {
            try (OsfitProcess osfit = OsfitProcess.start(jar, "-Xms1g -Xmx2g", tmp.resolve("osfit.log"), "--osfit.nodes.source=cluster",
                    "--osfit.nodes.kubeconfig=" + api.kubeconfig(tmp), "--osfit.registry.enabled=false", "--logging.level.root=WARN")) {
                String base = osfit.base();
                long t0 = System.nanoTime();
                waitReady(base + "/actuator/health/readiness");
                double ready = (System.nanoTime() - t0) / 1e9;
                List<Result> results = new ArrayList<>();
                byte[] names = BenchData.namesRequest(BenchData.WINDOWS_POD, nodes);
                byte[] full = BenchData.fullRequest(BenchData.WINDOWS_POD, nodes);
                byte[] full500 = BenchData.fullRequest(BenchData.WINDOWS_POD, nodes.subList(0, 500));
                int scale = quick ? 4 : 1;
                // JIT warm-up: both verbs in both forms, bounded in count and time (about 30 s).
                for (String verb : List.of("filter", "prioritize")) {
                    warm(base, verb, names, 6000 / scale, 12);
                    warm(base, verb, full500, 600 / scale, 6);
                }
                for (String verb : List.of("filter", "prioritize")) {
                    for (int concurrency : List.of(1, 8)) {
                        results.add(measure(base, verb, "names", nodeCount, names, concurrency, 4000 / scale, 30));
                        results.add(measure(base, verb, "full", 500, full500, concurrency, 600 / scale, 30));
                        results.add(measure(base, verb, "full", nodeCount, full, concurrency, 80 / scale, 60));
                    }
                }
                long heap = NodeIndexMeasurement.liveHeap(osfit.pid());
                return new Report(results, heap, ready);
            }
        }
    }

    /** Warm-up requests, not measured: at most {@code count}, for at most {@code maxSeconds}. */
    static void warm(String base, String verb, byte[] body, int count, int maxSeconds) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + verb)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        run(i -> request, LoadDriver::answered, 1, count, maxSeconds, new long[count], new AtomicInteger());
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("../target/osfit-0.1.0-SNAPSHOT-exec.jar").toAbsolutePath();
        Report report = run(jar, args.length > 0 ? Integer.parseInt(args[0]) : Suite.LOAD_NODES, false);
        System.out.printf(java.util.Locale.ROOT, "ready after %.1f s; live heap after %.1f MB%n", report.secondsToReady(),
                report.liveHeapAfterBytes() / 1e6);
    }

    /** A bounded run: at most {@code count} requests after a warmup of a tenth, and at most {@code maxSeconds}. */
    static Result measure(String base, String verb, String form, int nodes, byte[] body, int concurrency, int count, int maxSeconds)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + verb)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        run(i -> request, LoadDriver::answered, concurrency, Math.max(concurrency, count / 10), maxSeconds, new long[count], new AtomicInteger());
        long[] latencies = new long[count];
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        int done = run(i -> request, LoadDriver::answered, concurrency, count, maxSeconds, latencies, errors);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = Arrays.copyOf(latencies, done);
        Arrays.sort(sorted);
        Result r = new Result(verb, form, nodes, concurrency, done, errors.get(), seconds, pct(sorted, 0.50), pct(sorted, 0.99),
                pct(sorted, 0.999), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, done / seconds);
        System.out.printf(java.util.Locale.ROOT, "  %-10s %-5s %5d nodes  c=%d  n=%5d  p50 %8.2f ms  p99 %8.2f ms  p99.9 %8.2f ms  %7.1f req/s%s%n",
                verb, form, nodes, concurrency, done, r.p50Millis(), r.p99Millis(), r.p999Millis(), r.requestsPerSecond(),
                errors.get() > 0 ? "  ERRORS " + errors.get() : "");
        return r;
    }

    /** An extender answer: 200, a body, and no Error text (the Error field is empty in a good answer). */
    static boolean answered(HttpResponse<byte[]> r) {
        return r.statusCode() == 200 && r.body().length > 0
                && !new String(r.body(), 0, Math.min(200, r.body().length), StandardCharsets.UTF_8).contains("\"Error\":\"o");
    }

    /**
     * Sends {@code count} requests (the i-th from {@code request}) from {@code concurrency} workers for
     * at most {@code maxSeconds}; the latency of request i lands in {@code latencies[i]}; answers that
     * {@code ok} refuses, and failed sends, count as errors. Returns how many were sent.
     */
    static int run(java.util.function.IntFunction<HttpRequest> request, java.util.function.Predicate<HttpResponse<byte[]>> ok,
                   int concurrency, int count, int maxSeconds, long[] latencies, AtomicInteger errors) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count && System.nanoTime() < deadline) {
                        HttpRequest r = request.apply(i);
                        long t = System.nanoTime();
                        try {
                            if (!ok.test(HTTP.send(r, HttpResponse.BodyHandlers.ofByteArray()))) {
                                errors.incrementAndGet();
                            }
                        } catch (IOException | InterruptedException e) {
                            errors.incrementAndGet();
                        }
                        latencies[i] = System.nanoTime() - t;
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
        return Math.min(count, next.get());
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    static void waitReady(String url) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("osfit not ready within 120 s");
    }
}
