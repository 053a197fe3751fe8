package dev.osfit.bench;

import dev.osfit.controlplane.ControlPlane;
import dev.osfit.controlplane.Kube;
import dev.osfit.controlplane.KubeScheduler;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * osfit inside the real kube-scheduler v1.32.5 and API server (the tests' control-plane harness): the
 * same pods scheduled with no extender, with the cheapest extender that makes osfit's decisions
 * ({@link NoopExtender}: the floor), and with osfit in cluster mode, interleaved
 * (A B C, A B C, ...), the no-op and osfit each a process of its own, each run on fresh etcd with the same nodes (10% Windows Server 2022) and
 * {@code scheduler-config/osfit-names.yaml} (percentageOfNodesToScore 100, names mode). Measured per run:
 * pods bound per second between the first and the last binding (from kube-scheduler's own log lines),
 * and the CPU (user + system, from /proc) that osfit or the no-op extender, and kube-scheduler, spent
 * per bound pod over the same interval, and the extender's by group of threads (event loops, informers, GC, JIT).
 *
 * <pre>
 * mvn -B -q install -DskipTests && cd benchmarks && mvn -B -q package && \
 *   OSFIT_K8S_ASSETS=... java -Dosfit.project.dir=.. -cp target/classes:$(cat target/classpath.txt) \
 *   dev.osfit.bench.RealSchedulerDriver 1000 2000 3
 * </pre>
 * Writes {@code results/real-scheduler-DATE.json}; with {@code -Dosfit.bench.jfr=DIR}, a JFR profile of each osfit run too.
 */
public final class RealSchedulerDriver {

    enum Setup { NONE, NOOP, OSFIT }

    /** One run's figures. */
    record Run(String setup, int round, int nodes, int pods, double seconds, double podsPerSecond, double extenderCpuMsPerPod,
               double schedulerCpuMsPerPod, Map<String, Double> extenderCpuMsPerPodByThreads, Map<String, Double> osfitHandlerMsPerPodByVerb,
               double schedulerAlgorithmMsPerPod) {
    }

    static final String NAMESPACE = "bench";
    /** -Dosfit.bench.mode=full: kube-scheduler sends node objects (osfit-full-nodes.yaml), osfit reads them from the request. */
    static final boolean FULL = "full".equals(System.getProperty("osfit.bench.mode"));
    static final Pattern BOUND = Pattern.compile("I\\d{4} (\\d{2}:\\d{2}:\\d{2}\\.\\d{6}) .*\"Successfully bound pod to node\"");
    static final JsonMapper JSON = JsonMapper.builder().build();

    private RealSchedulerDriver() {
    }

    /** The i-th command-line argument as a number, or {@code otherwise}. */
    static int arg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }

    /** The setups a fourth argument names (comma-separated), or all of them. */
    static <E extends Enum<E>> List<E> setups(String[] args, Class<E> type) {
        return args.length > 3 ? java.util.Arrays.stream(args[3].split(",")).map(name -> Enum.valueOf(type, name)).toList()
                : List.of(type.getEnumConstants());
    }

    public static void main(String[] args) throws Exception {
        int nodes = arg(args, 0, 1000);
        int pods = arg(args, 1, 2000);
        int rounds = arg(args, 2, 3);
        // A fourth argument picks setups (OSFIT, or NONE,NOOP,OSFIT): for a profile of one, written to a file of its own.
        List<Setup> setups = setups(args, Setup.class);
        Path jar = osfitJar();
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (Setup setup : setups) {
                Run run = run(setup, round, nodes, pods, jar);
                runs.add(run);
                System.out.printf(Locale.ROOT, "round %d %-5s %6.1f pods/s  extender %.2f ms CPU/pod  kube-scheduler %.2f ms CPU/pod, "
                                + "algorithm %.2f ms/pod  (%.1f s)  %s %s%n", round, setup, run.podsPerSecond(), run.extenderCpuMsPerPod(),
                        run.schedulerCpuMsPerPod(), run.schedulerAlgorithmMsPerPod(), run.seconds(), run.extenderCpuMsPerPodByThreads(),
                        run.osfitHandlerMsPerPodByVerb());
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Setup s : Setup.values()) {
            List<Run> of = runs.stream().filter(r -> r.setup().equals(s.name())).toList();
            summary.put(s.name().toLowerCase(Locale.ROOT), Map.of(
                    "podsPerSecondMean", mean(of.stream().mapToDouble(Run::podsPerSecond).toArray()),
                    "extenderCpuMsPerPodMean", mean(of.stream().mapToDouble(Run::extenderCpuMsPerPod).toArray()),
                    "schedulerCpuMsPerPodMean", mean(of.stream().mapToDouble(Run::schedulerCpuMsPerPod).toArray())));
        }
        double noop = mean(runs.stream().filter(r -> r.setup().equals("NOOP")).mapToDouble(Run::podsPerSecond).toArray());
        double osfit = mean(runs.stream().filter(r -> r.setup().equals("OSFIT")).mapToDouble(Run::podsPerSecond).toArray());
        double none = mean(runs.stream().filter(r -> r.setup().equals("NONE")).mapToDouble(Run::podsPerSecond).toArray());
        summary.put("osfitOverNoop", osfit / noop);
        summary.put("noopOverNone", noop / none);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", LocalDate.now().toString());
        out.put("machine", Machine.cpuSlug());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("what", "kube-scheduler v1.32.5, " + (FULL ? "full-nodes mode (osfit-full-nodes.yaml, osfit standalone)" : "names mode")
                + ", percentageOfNodesToScore 100, " + nodes + " nodes (10% Windows), " + pods
                + " small Linux pods per run measured after " + Integer.getInteger("osfit.bench.warmup", 500)
                + " warm-up pods, runs interleaved on fresh etcd");
        out.put("summary", summary);
        out.put("runs", runs);
        Path results = Path.of("results");
        Files.createDirectories(results);
        // A run of some setups only, or of fewer than three rounds (a profile, a trial), must not overwrite the published comparison.
        Path file = setups.size() == Setup.values().length && rounds >= 3
                ? results.resolve("real-scheduler-" + (FULL ? "full-nodes-" : "") + LocalDate.now() + ".json")
                : Path.of(System.getProperty("java.io.tmpdir"), "real-scheduler-" + setups.stream().map(Enum::name)
                        .collect(java.util.stream.Collectors.joining("-")) + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        if (file.startsWith(results)) {
            RatioChart.write(results);
        }
        System.out.printf(Locale.ROOT, "osfit / no-op extender: %.2f (mean pods/s %.1f / %.1f); no-op / none: %.2f; written to %s%n",
                osfit / noop, osfit, noop, noop / none, file);
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }

    static Run run(Setup setup, int round, int nodeCount, int podCount, Path jar) throws Exception {
        ControlPlane plane = ControlPlane.startNew();
        Process noop = null;
        OsfitProcess osfit = null;
        KubeScheduler scheduler = null;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Kube kube = plane.kube();
            createNodes(kube, pool, nodeCount);
            String url = null;
            long extenderPid = -1;
            if (setup == Setup.NOOP) {
                // A process of its own, like any extender, failing the Windows nodes as osfit does for these pods.
                Path windows = plane.dir().resolve("windows-nodes.txt");
                Files.write(windows, java.util.stream.IntStream.range(0, nodeCount).filter(i -> i % 10 == 0)
                        .mapToObj(i -> String.format(Locale.ROOT, "node-%04d", i)).toList());
                noop = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                        System.getProperty("java.class.path"), NoopExtender.class.getName(), windows.toString(), FULL ? "full" : "names")
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String port = new java.io.BufferedReader(new java.io.InputStreamReader(noop.getInputStream(), StandardCharsets.UTF_8)).readLine();
                url = "http://127.0.0.1:" + port;
                extenderPid = noop.pid();
            } else if (setup == Setup.OSFIT) {
                // -Dosfit.bench.jfr=DIR records a JFR profile of each osfit run there (settings=profile), for where the CPU goes.
                String jfr = System.getProperty("osfit.bench.jfr");
                String jvm = osfitJvm() + (jfr == null ? "" : " -XX:StartFlightRecording=settings=profile,filename="
                        + Path.of(jfr).toAbsolutePath().resolve("osfit-round" + round + ".jfr"));
                osfit = FULL ? OsfitProcess.start(jar, jvm, plane.dir().resolve("osfit.log"), "--osfit.nodes.source=request",
                        "--osfit.registry.enabled=false")
                        : OsfitProcess.start(jar, jvm, plane.dir().resolve("osfit.log"), "--osfit.nodes.source=cluster",
                        "--osfit.nodes.kubeconfig=" + plane.osfitKubeconfig(), "--osfit.registry.enabled=false");
                awaitReady(osfit.base());
                url = osfit.base();
                extenderPid = osfit.pid();
            }
            scheduler = KubeScheduler.start(plane, FULL ? "osfit-full-nodes.yaml" : "osfit-names.yaml", url);
            kube.namespace(NAMESPACE);
            LogTail bindings = new LogTail(scheduler.logFile());
            long before = bindings.count();
            // Warm-up pods first, bound and not counted: osfit runs for days, and its JIT's first minute is not what a pod costs.
            int warmup = Integer.getInteger("osfit.bench.warmup", 500);
            if (warmup > 0) {
                List<Future<?>> warming = createPods(kube, pool, "w", warmup);
                long warmed = 0;
                // Five minutes, or a tenth of a second a pod for long warm-ups (a steady-state run: -Dosfit.bench.warmup=10000).
                Duration warmFor = Duration.ofMillis(Math.max(Duration.ofMinutes(5).toMillis(), warmup * 100L));
                long warmDeadline = System.nanoTime() + warmFor.toNanos();
                long nextScrape = System.nanoTime();
                while (warmed < warmup && System.nanoTime() < warmDeadline) {
                    warmed += bindings.newBindingTimes().size();
                    if (osfit != null && System.nanoTime() >= nextScrape) {
                        // As Prometheus would: a process never scraped before would compile its metrics path, and
                        // have its HTTP code's type profiles widened, inside the measured window instead.
                        verbSeconds(osfit.base());
                        nextScrape = System.nanoTime() + SCRAPE_INTERVAL.toNanos();
                    }
                    Thread.sleep(50);
                }
                for (Future<?> f : warming) {
                    f.get();
                }
                if (warmed < warmup) {
                    throw new IllegalStateException(setup + ": only " + warmed + " of " + warmup + " warm-up pods bound in " + warmFor.toSeconds() + " s");
                }
            }
            long createStart = System.nanoTime();
            List<Future<?>> creates = createPods(kube, pool, "p", podCount);
            pool.submit(() -> {
                for (Future<?> f : creates) {
                    try {
                        f.get();
                    } catch (Exception e) {
                        return;
                    }
                }
                System.out.printf(Locale.ROOT, "  %s: %d pods created in %.1f s%n", setup, podCount, (System.nanoTime() - createStart) / 1e9);
            });
            // CPU at the first binding and at the last, sampled every 50 ms while watching the log.
            long[] cpuFirst = null;
            Map<String, Long> threadsFirst = Map.of();
            Map<String, Double> verbsFirst = Map.of();
            double[] algorithmFirst = {0, 0};
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            String firstAt = null;
            String lastAt = null;
            long bound = 0;
            while (bound < podCount && System.nanoTime() < deadline) {
                List<String> times = bindings.newBindingTimes();
                if (!times.isEmpty()) {
                    if (firstAt == null) {
                        firstAt = times.get(0);
                        // The scrape first, so that its own CPU falls outside the window, as the last one's does.
                        verbsFirst = osfit != null ? verbSeconds(osfit.base()) : Map.of();
                        cpuFirst = cpu(extenderPid, scheduler.pid());
                        threadsFirst = extenderPid > 0 ? threadTicks(extenderPid) : Map.of();
                        algorithmFirst = algorithmSeconds(scheduler.metrics());
                    }
                    bound += times.size();
                    lastAt = times.get(times.size() - 1);
                }
                if (bound < podCount) {
                    Thread.sleep(50);
                }
            }
            long[] cpuLast = cpu(extenderPid, scheduler.pid());
            Map<String, Long> threadsLast = extenderPid > 0 ? threadTicks(extenderPid) : Map.of();
            Map<String, Double> verbsLast = osfit != null ? verbSeconds(osfit.base()) : Map.of();
            double[] algorithmLast = algorithmSeconds(scheduler.metrics());
            for (Future<?> f : creates) {
                f.get();
            }
            if (bound < podCount) {
                throw new IllegalStateException(setup + ": only " + bound + " of " + podCount + " pods bound in 10 minutes (before: " + before + ")");
            }
            double seconds = seconds(firstAt, lastAt);
            // A tick is 10 ms of CPU.
            Map<String, Double> byThreads = new java.util.TreeMap<>();
            for (Map.Entry<String, Long> e : threadsLast.entrySet()) {
                double ms = (e.getValue() - threadsFirst.getOrDefault(e.getKey(), 0L)) * 10.0 / podCount;
                if (ms >= 0.01) {
                    byThreads.put(e.getKey(), Math.round(ms * 100) / 100.0);
                }
            }
            Map<String, Double> byVerb = new java.util.TreeMap<>();
            for (Map.Entry<String, Double> e : verbsLast.entrySet()) {
                byVerb.put(e.getKey(), Math.round((e.getValue() - verbsFirst.getOrDefault(e.getKey(), 0.0)) * 1e5 / podCount) / 100.0);
            }
            return new Run(setup.name(), round, nodeCount, podCount, seconds, (podCount - 1) / seconds,
                    setup == Setup.NONE ? 0 : (cpuLast[0] - cpuFirst[0]) * 10.0 / podCount, (cpuLast[1] - cpuFirst[1]) * 10.0 / podCount,
                    byThreads, byVerb, Math.round((algorithmLast[0] - algorithmFirst[0]) * 1e5 / Math.max(1, algorithmLast[1] - algorithmFirst[1])) / 100.0);
        } finally {
            stopAll(pool, scheduler, osfit, noop, plane);
        }
    }

    /** Stops what a run started, last started first; any of them may be null (not started). */
    static void stopAll(ExecutorService pool, KubeScheduler scheduler, OsfitProcess osfit, Process extender, ControlPlane plane)
            throws InterruptedException {
        pool.shutdownNow();
        if (scheduler != null) {
            scheduler.close();
        }
        if (osfit != null) {
            osfit.close();
        }
        if (extender != null) {
            extender.destroy();
            extender.waitFor();
        }
        plane.close();
    }

    /** The osfit exec jar the main project's build left in ../target. */
    static Path osfitJar() throws IOException {
        try (var files = Files.list(ControlPlane.projectDir().resolve("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no osfit exec jar in ../target: mvn -B -q install -DskipTests first"));
        }
    }

    /** node-0000 and up, every tenth Windows Server 2022 and the rest Linux, all amd64; returns once all exist. */
    static void createNodes(Kube kube, ExecutorService pool, int count) throws Exception {
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "node-%04d", i);
            boolean windows = i % 10 == 0;
            work.add(pool.submit(() -> kube.node(name, windows ? "windows" : "linux", "amd64", windows ? "10.0.20348.2966" : null)));
        }
        for (Future<?> f : work) {
            f.get();
        }
    }

    /** Creates small Linux pods (8 at a time), named prefix-00000 and up. */
    static List<Future<?>> createPods(Kube kube, ExecutorService pool, String prefix, int count) {
        List<Future<?>> creates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode pod = pod(String.format(Locale.ROOT, "%s-%05d", prefix, i));
            creates.add(pool.submit(() -> kube.createPod(NAMESPACE, pod)));
        }
        return creates;
    }

    /** A small Linux pod whose image's platforms are in its annotation (no registry involved). */
    static ObjectNode pod(String name) {
        ObjectNode pod = Kube.pod(name, Map.of("osfit.dev/image-platforms", "* linux/amd64 linux/arm64"), "registry.k8s.io/pause:3.10");
        ((ObjectNode) pod.get("spec").get("containers").get(0)).putObject("resources").putObject("requests")
                .put("cpu", "10m").put("memory", "16Mi");
        return pod;
    }

    /** Seconds between two of kube-scheduler's log times (HH:mm:ss.SSSSSS, the same day or the next). */
    static double seconds(String first, String last) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");
        long a = LocalTime.parse(first, f).toNanoOfDay();
        long b = LocalTime.parse(last, f).toNanoOfDay();
        return ((b - a + 86_400_000_000_000L) % 86_400_000_000_000L) / 1e9;
    }

    /** CPU ticks (user + system, 1/100 s) of the extender process (none: 0) and kube-scheduler. */
    static long[] cpu(long extenderPid, long schedulerPid) throws IOException {
        return new long[] {extenderPid > 0 ? ticks(extenderPid) : 0, ticks(schedulerPid)};
    }

    /**
     * CPU ticks of each group of the process's threads: the thread name with its numbers dropped
     * ("reactor-http-epoll-2" and "-3" are one group: the event loops that serve the verbs).
     */
    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return out;
    }

    /**
     * Seconds osfit's handlers spent per verb so far (the sum of {@code osfit_extender_requests_seconds}:
     * request read to answer handed to Netty, on an event loop that nothing blocks, so close to its CPU).
     */
    /** osfit's JVM options: a fixed heap, and {@code -Dosfit.bench.osfit-jvm="..."} of one's own (a JIT log, another GC). */
    static String osfitJvm() {
        String own = System.getProperty("osfit.bench.osfit-jvm", "").trim();
        return "-Xms512m -Xmx512m" + (own.isEmpty() ? "" : " " + own);
    }

    /** How often osfit's metrics are read during warm-up: a common Prometheus scrape interval. */
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(15);

    static Map<String, Double> verbSeconds(String base) throws IOException, InterruptedException {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> out = new java.util.TreeMap<>();
        Pattern sum = Pattern.compile("^osfit_extender_requests_seconds_sum\\{.*verb=\"([a-z]+)\".*} ([0-9.eE+-]+)$");
        for (String line : text.split("\n")) {
            Matcher m = sum.matcher(line);
            if (m.find()) {
                out.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return out;
    }

    /**
     * From kube-scheduler's own metrics: the seconds its scheduling algorithm took in all (filter and score,
     * plugins and extenders) and how many times it ran. Against the same figure without an extender, the
     * difference is the extender calls' share of each scheduling cycle, as kube-scheduler saw it.
     */
    static double[] algorithmSeconds(String metrics) {
        double sum = 0;
        double count = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("scheduler_scheduling_algorithm_duration_seconds_sum")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("scheduler_scheduling_algorithm_duration_seconds_count")) {
                count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new double[] {sum, count};
    }

    static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command: state is field 3, utime 14 and stime 15 (1-based), so 11 and 12 here.
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static void awaitReady(String base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("osfit was not ready within 90 s");
    }

    /** Follows kube-scheduler's log file and picks out the time of each binding. */
    static final class LogTail {
        private final Path file;
        private long offset;
        private String partial = "";

        LogTail(Path file) {
            this.file = file;
        }

        /** Bindings logged so far, and from now on only new ones are returned. */
        long count() throws IOException {
            return newBindingTimes().size();
        }

        List<String> newBindingTimes() throws IOException {
            List<String> out = new ArrayList<>();
            if (!Files.exists(file)) {
                return out;
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                if (f.length() <= offset) {
                    return out;
                }
                f.seek(offset);
                byte[] bytes = new byte[(int) (f.length() - offset)];
                f.readFully(bytes);
                offset += bytes.length;
                String text = partial + new String(bytes, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n');
                partial = end < 0 ? text : text.substring(end + 1);
                for (String line : (end < 0 ? "" : text.substring(0, end)).split("\n")) {
                    Matcher m = BOUND.matcher(line);
                    if (m.find()) {
                        out.add(m.group(1));
                    }
                }
            }
            return out;
        }
    }
}
