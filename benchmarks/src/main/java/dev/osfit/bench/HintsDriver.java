package dev.osfit.bench;

import dev.osfit.config.TestCertificates;
import dev.osfit.controlplane.ControlPlane;
import dev.osfit.controlplane.Kube;
import dev.osfit.controlplane.KubeScheduler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.node.ObjectNode;

/**
 * Placement hints alone, through the real API server v1.32.5 and kube-scheduler: pods created per second
 * with no webhook, with the webhook floor ({@link NoopWebhook}: admits without a patch), with the floor
 * admitting with osfit's patch (what applying it costs the API server) and with osfit's webhook (the
 * shipped MutatingWebhookConfiguration, pointed at it), then the same pods scheduled by
 * kube-scheduler with the shipped {@code hints-only.yaml} (no extender): pods bound per second, osfit's
 * hinted pods against the unhinted ones. Interleaved (A B C D, A B C D, ...) on fresh etcd with 1000 nodes (10%
 * Windows); 8 client threads create the pods; before the measured pods, warm-up pods are created in a
 * namespace of their own and deleted again (they pass admission, and osfit's pod watch sees them as it
 * sees every pod in a cluster), then dry-run probes wait for osfit's first hint, then a burst of dry-run
 * creates opens the connections the measured creates use. Also the webhook's CPU per created pod (from /proc).
 *
 * <pre>
 * mvn -B -q install -DskipTests && cd benchmarks && mvn -B -q package && \
 *   OSFIT_K8S_ASSETS=... java -Dosfit.project.dir=.. -cp target/classes:$(cat target/classpath.txt) \
 *   dev.osfit.bench.HintsDriver 1000 2000 3
 * </pre>
 * Writes {@code results/hints-DATE.json} when every setup ran; a run of some setups writes to the temporary directory.
 */
public final class HintsDriver {

    /**
     * No webhook; the webhook floor (admits without a patch); the floor admitting with osfit's patch (what
     * applying the patch costs the API server, apart from osfit); osfit's webhook.
     */
    enum Setup { NONE, NOOP, PATCH, OSFIT }

    record Run(String setup, int round, int pods, double createSeconds, double createdPerSecond, double webhookCpuMsPerPod,
               Map<String, Double> webhookCpuMsPerPodByThreads, int hinted, double bindSeconds, double boundPerSecond) {
    }

    static final String WEBHOOK = "osfit-placement-hints";

    private HintsDriver() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = RealSchedulerDriver.arg(args, 0, 1000);
        int pods = RealSchedulerDriver.arg(args, 1, 2000);
        int rounds = RealSchedulerDriver.arg(args, 2, 3);
        List<Setup> setups = RealSchedulerDriver.setups(args, Setup.class);
        Path jar = RealSchedulerDriver.osfitJar();
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (Setup setup : setups) {
                Run run = run(setup, round, nodes, pods, jar);
                runs.add(run);
                System.out.printf(Locale.ROOT, "round %d %-5s created %6.1f pods/s (webhook %.2f ms CPU/pod, %d hinted)  bound %5.1f pods/s  %s%n",
                        round, setup, run.createdPerSecond(), run.webhookCpuMsPerPod(), run.hinted(), run.boundPerSecond(),
                        run.webhookCpuMsPerPodByThreads());
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Setup s : Setup.values()) {
            List<Run> of = runs.stream().filter(r -> r.setup().equals(s.name())).toList();
            summary.put(s.name().toLowerCase(Locale.ROOT), Map.of(
                    "createdPerSecondMean", RealSchedulerDriver.mean(of.stream().mapToDouble(Run::createdPerSecond).toArray()),
                    "boundPerSecondMean", RealSchedulerDriver.mean(of.stream().mapToDouble(Run::boundPerSecond).toArray()),
                    "webhookCpuMsPerPodMean", RealSchedulerDriver.mean(of.stream().mapToDouble(Run::webhookCpuMsPerPod).toArray())));
        }
        double createdOsfit = mean(runs, Setup.OSFIT, Run::createdPerSecond);
        double createdNoop = mean(runs, Setup.NOOP, Run::createdPerSecond);
        double boundOsfit = mean(runs, Setup.OSFIT, Run::boundPerSecond);
        double boundNone = mean(runs, Setup.NONE, Run::boundPerSecond);
        summary.put("createdOsfitOverNoopWebhook", createdOsfit / createdNoop);
        // What is left of the gap once the API server has applied the same patch for the floor.
        summary.put("createdOsfitOverPatchingFloor", createdOsfit / mean(runs, Setup.PATCH, Run::createdPerSecond));
        summary.put("createdPatchingFloorOverNoopWebhook", mean(runs, Setup.PATCH, Run::createdPerSecond) / createdNoop);
        summary.put("boundWithHintsOverNone", boundOsfit / boundNone);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", LocalDate.now().toString());
        out.put("machine", Machine.cpuSlug());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("what", "kube-apiserver and kube-scheduler v1.32.5, hints only (hints-only.yaml, no extender), " + nodes
                + " nodes (10% Windows), " + pods + " small Linux pods created by 8 threads per run after "
                + Integer.getInteger("osfit.bench.warmup", 1000) + " warm-up pods created and deleted in a namespace of their own, " + BURST
                + " dry-run creates, and the webhook's process idle again, runs interleaved on fresh etcd");
        out.put("summary", summary);
        out.put("runs", runs);
        // A run of some setups only, or of fewer than three rounds (a trial), must not overwrite the published comparison.
        Path file = setups.size() == Setup.values().length && rounds >= 3 ? Path.of("results", "hints-" + LocalDate.now() + ".json")
                : Path.of(System.getProperty("java.io.tmpdir"), "hints-" + setups.stream().map(Enum::name)
                        .collect(java.util.stream.Collectors.joining("-")) + ".json");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, RealSchedulerDriver.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        if (file.startsWith("results")) {
            RatioChart.write(Path.of("results"));
        }
        System.out.printf(Locale.ROOT, "created: osfit / webhook floor %.2f (%.1f / %.1f pods/s); bound: with hints / none %.2f (%.1f / %.1f); written to %s%n",
                createdOsfit / createdNoop, createdOsfit, createdNoop, boundOsfit / boundNone, boundOsfit, boundNone, file);
    }

    static double mean(List<Run> runs, Setup setup, java.util.function.ToDoubleFunction<Run> f) {
        return RealSchedulerDriver.mean(runs.stream().filter(r -> r.setup().equals(setup.name())).mapToDouble(f).toArray());
    }

    static final String WARM_NAMESPACE = "osfit-warm-up";
    /** Dry-run creates between the warm-up's deletions and the measured creates. */
    static final int BURST = 2000;

    static Run run(Setup setup, int round, int nodeCount, int podCount, Path jar) throws Exception {
        ControlPlane plane = ControlPlane.startNew();
        Process noop = null;
        OsfitProcess osfit = null;
        KubeScheduler scheduler = null;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Kube kube = plane.kube();
            RealSchedulerDriver.createNodes(kube, pool, nodeCount);
            kube.namespace(RealSchedulerDriver.NAMESPACE);
            long webhookPid = -1;
            if (setup != Setup.NONE) {
                Path tls = Files.createDirectories(plane.dir().resolve("webhook-tls"));
                TestCertificates.Issued serving = plane.ca().sign("osfit-webhook");
                Files.writeString(tls.resolve("tls.crt"), serving.certificatePem());
                Files.writeString(tls.resolve("tls.key"), serving.keyPem());
                int port;
                if (setup == Setup.NOOP || setup == Setup.PATCH) {
                    noop = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                            System.getProperty("java.class.path"), NoopWebhook.class.getName(), tls.resolve("tls.crt").toString(),
                            tls.resolve("tls.key").toString(), setup == Setup.PATCH ? "patch" : "none")
                            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    port = Integer.parseInt(new BufferedReader(new InputStreamReader(noop.getInputStream(), StandardCharsets.UTF_8)).readLine().trim());
                    webhookPid = noop.pid();
                } else {
                    port = ControlPlane.freePort();
                    osfit = OsfitProcess.start(jar, RealSchedulerDriver.osfitJvm(), plane.dir().resolve("osfit.log"), "--spring.profiles.active=webhook",
                            "--osfit.admission.port=" + port, "--osfit.admission.tls-dir=" + tls, "--osfit.nodes.source=cluster",
                            "--osfit.nodes.kubeconfig=" + plane.osfitKubeconfig(), "--osfit.registry.enabled=false");
                    RealSchedulerDriver.awaitReady(osfit.base());
                    webhookPid = osfit.pid();
                }
                register(plane, port);
            }
            // Warm-up: real creates, so that osfit's pod watch warms too (a dry run stores nothing and is watched by
            // nobody), in a namespace of their own, deleted before the measured creates and before kube-scheduler starts.
            int warmup = Integer.getInteger("osfit.bench.warmup", 1000);
            kube.namespace(WARM_NAMESPACE);
            List<Future<?>> warming = new ArrayList<>();
            for (int i = 0; i < warmup; i++) {
                ObjectNode pod = RealSchedulerDriver.pod("warm-" + i);
                warming.add(pool.submit(() -> {
                    Kube.Answer a = kube.createPod(WARM_NAMESPACE, pod);
                    if (a.status() != 201) {
                        throw new IllegalStateException(setup + ": a warm-up pod was not created: " + a.status() + " " + a.body());
                    }
                    return a;
                }));
            }
            for (Future<?> f : warming) {
                f.get();
            }
            // Pods on no node go at once (no kubelet to wait for); one by one, as a collection of thousands
            // takes longer than one request may.
            List<Future<?>> deleting = new ArrayList<>();
            for (int i = 0; i < warmup; i++) {
                String path = "/api/v1/namespaces/" + WARM_NAMESPACE + "/pods/warm-" + i;
                deleting.add(pool.submit(() -> kube.delete(path)));
            }
            for (Future<?> f : deleting) {
                f.get();
            }
            if (setup == Setup.OSFIT) {
                awaitHinted(kube);
            }
            // Then a burst of dry-run creates (through the webhook as a create goes, nothing stored), so that the
            // measured creates run on connections already open. Without it they began with new TLS connections
            // (the webhook's idle timeout had closed the warm-up's during the deletions), and the first new
            // connection after the JIT had compiled the hot path without one sent Netty's and the JDK's TLS code
            // back to the interpreter: a compile log showed the traps, then 4 to 6 s of recompiling inside the
            // measured creates. That happens once per process, to any JVM webhook; the creates measure the rest.
            List<Future<?>> burst = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                ObjectNode pod = RealSchedulerDriver.pod("burst-" + i);
                burst.add(pool.submit(() -> kube.send("POST", "/api/v1/namespaces/" + WARM_NAMESPACE + "/pods?dryRun=All", "application/json", pod)));
            }
            for (Future<?> f : burst) {
                f.get();
            }
            if (webhookPid > 0) {
                // The warm-up's deletions reach the webhook's pod watch after the API server has answered them, and
                // the JIT compiles that work as it piles up (a compile log put 7 s of compiling into the measured
                // creates): wait until the process is idle, so that the creates are what is measured.
                System.out.printf(Locale.ROOT, "%s: idle %.1f s after the warm-up%n", setup, awaitIdle(webhookPid));
            }
            long cpuBefore = webhookPid > 0 ? RealSchedulerDriver.ticks(webhookPid) : 0;
            Map<String, Long> threadsBefore = webhookPid > 0 ? RealSchedulerDriver.threadTicks(webhookPid) : Map.of();
            long start = System.nanoTime();
            List<Future<Kube.Answer>> creates = new ArrayList<>();
            for (int i = 0; i < podCount; i++) {
                ObjectNode pod = RealSchedulerDriver.pod(String.format(Locale.ROOT, "p-%05d", i));
                creates.add(pool.submit(() -> kube.createPod(RealSchedulerDriver.NAMESPACE, pod)));
            }
            int hinted = 0;
            for (Future<Kube.Answer> f : creates) {
                Kube.Answer a = f.get();
                if (a.status() != 201) {
                    throw new IllegalStateException(setup + ": a pod was not created: " + a.status() + " " + a.body());
                }
                if (a.body().path("metadata").path("annotations").path("osfit.dev/placement").asString("").startsWith("hinted: ")) {
                    hinted++;
                }
            }
            double createSeconds = (System.nanoTime() - start) / 1e9;
            long cpuAfter = webhookPid > 0 ? RealSchedulerDriver.ticks(webhookPid) : 0;
            if (webhookPid > 0) {
                // Where the measured creates fall in a compile log of the webhook (its stamps count from the process's start).
                ProcessHandle.of(webhookPid).flatMap(h -> h.info().startInstant()).ifPresent(born -> {
                    double end = Duration.between(born, java.time.Instant.now()).toMillis() / 1000.0;
                    System.out.printf(Locale.ROOT, "%s: measured creates from %.1f to %.1f s of the webhook process's life%n",
                            setup, end - createSeconds, end);
                });
            }
            Map<String, Double> byThreads = new java.util.TreeMap<>();
            if (webhookPid > 0) {
                for (Map.Entry<String, Long> e : RealSchedulerDriver.threadTicks(webhookPid).entrySet()) {
                    double ms = (e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)) * 10.0 / podCount;
                    if (ms >= 0.01) {
                        byThreads.put(e.getKey(), Math.round(ms * 100) / 100.0);
                    }
                }
            }
            if ((setup == Setup.OSFIT || setup == Setup.PATCH) && hinted != podCount) {
                throw new IllegalStateException(setup + ": " + hinted + " of " + podCount + " pods hinted");
            }

            // Then kube-scheduler, hints only, schedules what was created.
            scheduler = KubeScheduler.start(plane, "hints-only.yaml", null);
            RealSchedulerDriver.LogTail bindings = new RealSchedulerDriver.LogTail(scheduler.logFile());
            String firstAt = null;
            String lastAt = null;
            long bound = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (bound < podCount && System.nanoTime() < deadline) {
                List<String> times = bindings.newBindingTimes();
                if (!times.isEmpty()) {
                    firstAt = firstAt == null ? times.get(0) : firstAt;
                    bound += times.size();
                    lastAt = times.get(times.size() - 1);
                }
                Thread.sleep(50);
            }
            if (bound < podCount) {
                throw new IllegalStateException(setup + ": only " + bound + " of " + podCount + " pods bound in 10 minutes");
            }
            double bindSeconds = RealSchedulerDriver.seconds(firstAt, lastAt);
            return new Run(setup.name(), round, podCount, createSeconds, podCount / createSeconds,
                    webhookPid > 0 ? (cpuAfter - cpuBefore) * 10.0 / podCount : 0, byThreads, hinted, bindSeconds, (podCount - 1) / bindSeconds);
        } finally {
            RealSchedulerDriver.stopAll(pool, scheduler, osfit, noop, plane);
        }
    }

    /** The shipped webhook configuration, its service reference replaced by this port and the plane's CA. */
    @SuppressWarnings("unchecked")
    static void register(ControlPlane plane, int port) throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(ControlPlane.projectDir().resolve("manifests/components/webhook/mutatingwebhook.yaml")));
        ((Map<String, Object>) config.get("metadata")).remove("annotations");
        for (Map<String, Object> webhook : (List<Map<String, Object>>) config.get("webhooks")) {
            webhook.put("clientConfig", Map.of("url", "https://127.0.0.1:" + port + "/admission/pods",
                    "caBundle", Base64.getEncoder().encodeToString(plane.ca().certificatePem().getBytes(StandardCharsets.US_ASCII))));
        }
        Kube.Answer a = plane.kube().create("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", config);
        if (a.status() != 201) {
            throw new IllegalStateException("webhook not registered: " + a.status() + " " + a.body());
        }
    }

    /** Seconds until the process used at most 5% of a core in each of two successive seconds (at most 60 s). */
    static double awaitIdle(long pid) throws java.io.IOException, InterruptedException {
        long start = System.nanoTime();
        long last = RealSchedulerDriver.ticks(pid);
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() - start < 60_000_000_000L) {
            Thread.sleep(1000);
            long now = RealSchedulerDriver.ticks(pid);
            quiet = now - last <= 5 ? quiet + 1 : 0;
            last = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** osfit hints once its node index has the nodes; until then pods pass unchanged. */
    static void awaitHinted(Kube kube) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Kube.Answer probe = kube.send("POST", "/api/v1/namespaces/" + RealSchedulerDriver.NAMESPACE + "/pods?dryRun=All", "application/json",
                    RealSchedulerDriver.pod("probe"));
            if (probe.body().path("metadata").path("annotations").path("osfit.dev/placement").asString("").startsWith("hinted: ")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("osfit's webhook gave no hint within 60 s");
    }
}
