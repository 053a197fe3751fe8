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
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A soak: the real service (exec jar, cluster mode, registry on) for N minutes at kube-scheduler's
 * call pattern (filter one at a time, prioritize two at a time), while the API-server stand-in
 * streams node relabels over the watch and registry answers expire every 2 s and are refreshed.
 * Reports errors, filter latency and osfit's live heap after warm-up and at the end. Loopback only,
 * bounded in time.
 *
 * <p>Run: {@code java -cp target/benchmarks.jar dev.osfit.bench.SoakDriver [minutes, default 10]}
 */
public final class SoakDriver {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private SoakDriver() {
    }

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        Path jar = Path.of(args.length > 1 ? args[1] : "../target/osfit-0.1.0-SNAPSHOT-exec.jar").toAbsolutePath();
        int nodeCount = 1000;
        List<RealisticNodes.Node> nodes = BenchData.nodes(nodeCount);
        Path tmp = Files.createTempDirectory("osfit-soak");
        HttpServer registry = registry();
        String registryHost = "127.0.0.1:" + registry.getAddress().getPort();
        try (StubApiServer api = new StubApiServer(RealisticNodes.list(nodes, "1"), 0)) {
            Random events = new Random(5);
            List<RealisticNodes.Node> windows = nodes.stream().filter(n -> n.build() != null).toList();
            api.streamEvents(() -> {
                RealisticNodes.Node n = windows.get(events.nextInt(windows.size()));
                String build = events.nextBoolean() ? "10.0.17763" : "10.0.20348";
                return n.json().replace("\"node.kubernetes.io/windows-build\":\"" + n.build() + "\"",
                        "\"node.kubernetes.io/windows-build\":\"" + build + "\"").replace(n.build() + ".", build + ".");
            }, 50);
            try (OsfitProcess osfit = OsfitProcess.start(jar, "-Xmx1g", tmp.resolve("osfit.log"), "--osfit.nodes.source=cluster",
                    "--osfit.nodes.kubeconfig=" + api.kubeconfig(tmp), "--osfit.registry.insecure=" + registryHost,
                    "--osfit.registry.allow=127.0.0.1", "--osfit.registry.tag-ttl=2s", "--osfit.registry.prefetch=false",
                    "--logging.level.root=WARN")) {
                String base = osfit.base();
                LoadDriver.waitReady(base + "/actuator/health/readiness");
                List<byte[]> bodies = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String pod = "{\"metadata\":{\"name\":\"p" + i + "\",\"namespace\":\"soak\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\""
                            + registryHost + "/team/app" + i + ":1\"}]}}";
                    bodies.add(BenchData.namesRequest(pod, nodes));
                }
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger requests = new AtomicInteger();
                ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<Long> filterNanos = new ConcurrentLinkedQueue<>();
                List<Thread> callers = new ArrayList<>();
                for (String verb : List.of("filter", "prioritize", "prioritize")) {
                    Thread t = new Thread(() -> {
                        Random r = new Random(verb.hashCode());
                        while (running.get()) {
                            byte[] body = bodies.get(r.nextInt(bodies.size()));
                            long start = System.nanoTime();
                            try {
                                HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + verb)).timeout(Duration.ofSeconds(10))
                                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                        HttpResponse.BodyHandlers.ofString());
                                if (resp.statusCode() != 200 || resp.body().contains("\"Error\":\"o")) {
                                    errors.add(verb + " " + resp.statusCode());
                                }
                            } catch (Exception e) {
                                errors.add(verb + " " + e);
                            }
                            if (verb.equals("filter")) {
                                filterNanos.add(System.nanoTime() - start);
                            }
                            requests.incrementAndGet();
                        }
                    });
                    t.start();
                    callers.add(t);
                }
                Thread.sleep(30_000); // warm-up
                long heapStart = NodeIndexMeasurement.liveHeap(osfit.pid());
                int requestsStart = requests.get();
                long endAt = System.nanoTime() + (long) (minutes * 60e9);
                while (System.nanoTime() < endAt) {
                    Thread.sleep(1000);
                }
                running.set(false);
                for (Thread t : callers) {
                    t.join(15_000);
                }
                long heapEnd = NodeIndexMeasurement.liveHeap(osfit.pid());
                long[] sorted = filterNanos.stream().mapToLong(Long::longValue).sorted().toArray();
                String summary = String.format(Locale.ROOT,
                        "{\"date\": \"%s\", \"minutes\": %.1f, \"nodes\": %d, \"requests\": %d, \"errors\": %d, \"nodeEvents\": %d, "
                                + "\"registryRequests\": %d, \"filterP50Ms\": %.2f, \"filterP99Ms\": %.2f, \"liveHeapAfterWarmupMB\": %.1f, "
                                + "\"liveHeapAtEndMB\": %.1f, \"machine\": \"%s\"}%n",
                        LocalDate.now(), minutes, nodeCount, requests.get() - requestsStart, errors.size(), api.sentEvents(),
                        REGISTRY_REQUESTS.get(), LoadDriver.pct(sorted, 0.5), LoadDriver.pct(sorted, 0.99), heapStart / 1e6, heapEnd / 1e6, Machine.describe());
                System.out.print(summary);
                errors.stream().limit(5).forEach(e -> System.out.println("error: " + e));
                Files.createDirectories(Path.of("results"));
                Files.writeString(Path.of("results", "soak-" + LocalDate.now() + ".json"), summary);
            }
        } finally {
            registry.stop(0);
        }
    }

    static final AtomicInteger REGISTRY_REQUESTS = new AtomicInteger();

    /** A registry stand-in: every /v2/team/appN/manifests/1 is an index of Windows 17763 and 20348 and Linux amd64. */
    static HttpServer registry() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "1".repeat(64) + "\",\"size\":1,"
                + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.17763.6659\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "2".repeat(64) + "\",\"size\":1,"
                + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.20348.2966\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "3".repeat(64) + "\",\"size\":1,"
                + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}").getBytes(StandardCharsets.UTF_8);
        server.createContext("/v2/", exchange -> {
            REGISTRY_REQUESTS.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.index.v1+json");
            exchange.sendResponseHeaders(200, index.length);
            exchange.getResponseBody().write(index);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        return server;
    }
}
