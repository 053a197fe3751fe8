package dev.osfit.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.image.ImageRef;
import dev.osfit.image.WindowsTagTable;
import dev.osfit.registry.RegistrySource;
import dev.osfit.registry.RegistryTestAccess;
import java.time.Duration;
import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.Scoring;
import dev.osfit.match.UnknownImagePolicy;
import dev.osfit.node.NodeIndex;
import dev.osfit.node.NodePlatform;
import dev.osfit.node.NodeSnapshot;
import dev.osfit.platform.OsVersion;
import dev.osfit.extender.ExtenderCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The snapshot, the matcher's memo, the parse caches and the registry cache (its answer expiring and
 * refreshing meanwhile) under parallel requests while node events keep arriving: every answer is checked against a single-threaded oracle evaluated on the very
 * snapshot the request read (snapshots are immutable, so that is well defined).
 */
class ConcurrencyOracleTest {

    static final NodePlatform[] PLATFORMS = {
            NodePlatform.of("linux", "amd64", null), NodePlatform.of("linux", "arm64", null),
            NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 17763, 6659)),
            NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 20348, 2966)),
            NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 26100, 2605))};

    /** What the oracle expects of each pod: which node platforms pass. */
    record Pod(String json, Set<NodePlatform> passes) {
    }

    static final List<Pod> PODS = List.of(
            new Pod("{\"spec\":{\"containers\":[{\"image\":\"mcr.microsoft.com/windows/servercore:ltsc2019\"}]}}", Set.of(PLATFORMS[2])),
            new Pod("{\"spec\":{\"containers\":[{\"image\":\"mcr.microsoft.com/windows/nanoserver:ltsc2022\"}]}}",
                    Set.of(PLATFORMS[3], PLATFORMS[4])), // a 26100 host runs the previous LTSC's images
            new Pod("{\"metadata\":{\"annotations\":{\"osfit.dev/image-platforms\":\"app:1 linux/amd64 linux/arm64\"}},"
                    + "\"spec\":{\"containers\":[{\"image\":\"app:1\"}]}}", Set.of(PLATFORMS[0], PLATFORMS[1])),
            new Pod("{\"metadata\":{\"annotations\":{\"osfit.dev/image-platforms\":\"arm:2 linux/arm64\"}},"
                    + "\"spec\":{\"containers\":[{\"image\":\"arm:2\"}]}}", Set.of(PLATFORMS[1])));

    @Test
    void everyAnswerMatchesTheOracleOnItsSnapshotWhileNodesChange() throws Exception {
        try (RegistryTestAccess registry = new RegistryTestAccess()) {
            registry.serveIndex("/v2/team/app/manifests/1");
            // The registry's index for this image: windows 17763 and 20348 (amd64) and linux arm64/v8.
            Pod fromRegistry = new Pod("{\"spec\":{\"containers\":[{\"image\":\"" + registry.host() + "/team/app:1\"}]}}",
                    Set.of(PLATFORMS[1], PLATFORMS[2], PLATFORMS[3], PLATFORMS[4]));
            RegistrySource source = registry.source(Duration.ofSeconds(2));
            source.platforms(((ImageRef.Valid) ImageRef.parse(registry.host() + "/team/app:1")).ref()).toCompletableFuture().get(5, TimeUnit.SECONDS);
            run(new PodCompiler(List.of(source, new WindowsTagTable()), UnknownImagePolicy.ALLOW),
                    java.util.stream.Stream.concat(PODS.stream(), java.util.stream.Stream.of(fromRegistry)).toList());
            assertThat(registry.requests("/v2/team/app/manifests/1")).as("refreshed during the run").isGreaterThan(1);
        }
    }

    private void run(PodCompiler compiler, List<Pod> pods) throws Exception {
        int nodes = 2000;
        NodeIndex index = new NodeIndex();
        Random seed = new Random(11);
        for (int i = 0; i < nodes; i++) {
            index.put("node-" + i, PLATFORMS[seed.nextInt(PLATFORMS.length)]);
        }
        index.markSynced();
        JsonMapper json = JsonMapper.builder().build();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger events = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

        Thread feeder = new Thread(() -> {
            Random r = new Random(12);
            while (running.get()) {
                String name = "node-" + r.nextInt(nodes + 200); // some names come and go
                if (r.nextInt(10) == 0) {
                    index.remove(name);
                } else {
                    index.put(name, PLATFORMS[r.nextInt(PLATFORMS.length)]);
                }
                events.incrementAndGet();
                if (r.nextInt(20) == 0) {
                    index.publishIfChanged();
                }
            }
        });
        ExecutorService workers = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        feeder.start();
        for (int w = 0; w < 4; w++) {
            int worker = w;
            workers.submit(() -> {
                Random r = new Random(100 + worker);
                try {
                    long until = System.nanoTime() + 3_000_000_000L; // past a refresh of the registry's answer
                    for (int round = 0; round < 400 || System.nanoTime() < until; round++) {
                        Pod pod = pods.get(r.nextInt(pods.size()));
                        List<String> names = new ArrayList<>();
                        for (int k = 0; k < 300; k++) {
                            names.add("node-" + r.nextInt(nodes + 300));
                        }
                        String body = "{\"Pod\":" + pod.json() + ",\"Nodes\":null,\"NodeNames\":" + json.writeValueAsString(names) + "}";
                        NodeSnapshot snapshot = index.snapshot();
                        ExtenderCodec.Request args = ExtenderCodec.decode(body.getBytes(StandardCharsets.UTF_8));
                        args.resolve(snapshot);
                        Matcher matcher = new Matcher(compiler.compile(args.pod()).toCompletableFuture().join(), Scoring.DEFAULTS);
                        JsonNode answer = json.readTree(args.filter(matcher));
                        String problem = oracle(pod, names, snapshot, answer);
                        if (problem != null) {
                            problems.add(problem);
                        }
                        checked.incrementAndGet();
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        running.set(false);
        feeder.join();
        workers.shutdown();
        assertThat(problems).isEmpty();
        assertThat(checked.get()).isGreaterThanOrEqualTo(1600);
        assertThat(events.get()).isGreaterThan(1000);
    }

    /** Null when the answer is what the rule gives on this snapshot, node by node. */
    static String oracle(Pod pod, List<String> names, NodeSnapshot snapshot, JsonNode answer) {
        Set<String> passed = new HashSet<>();
        answer.get("NodeNames").values().forEach(n -> passed.add(n.asString()));
        Set<String> failed = new HashSet<>(answer.get("FailedNodes").propertyNames());
        Set<String> unresolvable = new HashSet<>(answer.get("FailedAndUnresolvableNodes").propertyNames());
        for (String name : new HashSet<>(names)) {
            NodePlatform p = snapshot.platformOf(name);
            String want = p == null ? "failed" : pod.passes().contains(p) ? "passed" : "unresolvable";
            String got = passed.contains(name) ? "passed" : failed.contains(name) ? "failed" : unresolvable.contains(name) ? "unresolvable" : "missing";
            if (!want.equals(got)) {
                return name + " on " + p + ": expected " + want + ", got " + got;
            }
        }
        return null;
    }
}
