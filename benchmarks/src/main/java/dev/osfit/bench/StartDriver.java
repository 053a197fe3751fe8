package dev.osfit.bench;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start to ready, the way each packaging of osfit starts: process start until {@code /actuator/health/readiness}
 * answers 200, in cluster mode against an API-server stand-in ({@link StubApiServer}) serving N kubelet-shaped nodes,
 * so readiness includes the first node list. Setups run interleaved, round after round, on this machine's cores:
 *
 * <ul>
 *   <li>{@code JAR}: {@code java -jar osfit-*-exec.jar};</li>
 *   <li>{@code EXTRACTED}: the jar extracted ({@code -Djarmode=tools extract}), as the image lays it out;</li>
 *   <li>{@code CDS}: extracted, with a class-data-sharing archive trained as the image's build trains it
 *       (cluster mode, up to a refreshed context, {@code -XX:ArchiveClassesAtExit});</li>
 *   <li>{@code AOT_CACHE}: extracted, with the ahead-of-time cache of JDK 25 and later ({@code -XX:AOTCacheOutput}, the same
 *       training): classes loaded and linked, and method profiles; needs {@code -Dosfit.bench.java-home} naming such a JDK.</li>
 * </ul>
 *
 * Run (after {@code mvn -B -q install -DskipTests} at the top level and {@code mvn -B -q package} here):
 * {@code java -cp target/classes:$(cat target/classpath.txt) dev.osfit.bench.StartDriver [nodes=1000] [rounds=5] [SETUP...]}.
 * Writes {@code results/start-DATE.json} when JAR, EXTRACTED and CDS ran at least five rounds on this JDK with no added
 * options; otherwise the temporary directory.
 */
public final class StartDriver {

    enum Setup { JAR, EXTRACTED, CDS, AOT_CACHE }

    private static final Pattern STARTED = Pattern.compile("Started OsfitApplication in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");

    record Run(String setup, int round, double secondsToReady, double cpuSecondsToReady, double springSeconds, double processSeconds) {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<Setup> setups = args.length > 2 ? Arrays.stream(args, 2, args.length).map(Setup::valueOf).toList() : List.of(Setup.values());
        Path jar = Path.of("../target").toAbsolutePath().normalize();
        try (var files = Files.list(jar)) {
            jar = files.filter(f -> f.getFileName().toString().endsWith("-exec.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no exec jar in ../target: run mvn -B -q install -DskipTests first"));
        }
        Path dir = Files.createTempDirectory("osfit-start");
        Path extracted = extract(jar, dir);
        Path archive = setups.contains(Setup.CDS) ? train(extracted, dir, "osfit.jsa", "-XX:ArchiveClassesAtExit=") : null;
        Path cache = setups.contains(Setup.AOT_CACHE) ? train(extracted, dir, "osfit.aot", "-XX:AOTCacheOutput=") : null;
        List<Run> runs = new ArrayList<>();
        try (StubApiServer api = new StubApiServer(RealisticNodes.list(RealisticNodes.generate(nodes, 42), "5000"), 0)) {
            Path kubeconfig = api.kubeconfig(dir);
            for (int round = 1; round <= rounds; round++) {
                for (Setup setup : setups) {
                    List<String> jvm = new ArrayList<>(List.of("-Xms512m", "-Xmx512m"));
                    if (setup == Setup.CDS) {
                        jvm.add("-XX:SharedArchiveFile=" + archive);
                    } else if (setup == Setup.AOT_CACHE) {
                        jvm.add("-XX:AOTCache=" + cache);
                    }
                    String own = System.getProperty("osfit.bench.osfit-jvm", "").trim();
                    if (!own.isEmpty()) {
                        jvm.addAll(List.of(own.split(" +")));
                    }
                    Run run = start(setup, round, setup == Setup.JAR ? jar : extracted, jvm, kubeconfig, dir);
                    runs.add(run);
                    System.out.printf(Locale.ROOT, "round %d %-9s ready %.2f s, CPU %.2f s (Spring %.2f s, process %.2f s)%n", round, setup,
                            run.secondsToReady(), run.cpuSecondsToReady(), run.springSeconds(), run.processSeconds());
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Setup setup : setups) {
            double[] ready = runs.stream().filter(r -> r.setup().equals(setup.name())).mapToDouble(Run::secondsToReady).sorted().toArray();
            summary.put(setup.name(), Map.of("medianSecondsToReady", ready[ready.length / 2], "minSecondsToReady", ready[0],
                    "maxSecondsToReady", ready[ready.length - 1]));
            System.out.printf(Locale.ROOT, "%-9s median %.2f s, min %.2f, max %.2f%n", setup, ready[ready.length / 2], ready[0], ready[ready.length - 1]);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", LocalDate.now().toString());
        out.put("machine", Machine.cpuSlug());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("java", System.getProperty("java.version"));
        out.put("what", "process start until /actuator/health/readiness answers 200, cluster mode, " + nodes
                + " kubelet-shaped nodes served by a stand-in API server, " + rounds + " interleaved rounds");
        out.put("jvmOptions", System.getProperty("osfit.bench.osfit-jvm", ""));
        out.put("summary", summary);
        out.put("runs", runs);
        // The published comparison is the JDK this project runs on, every setup but the JDK 25 cache, five rounds or more.
        boolean published = setups.containsAll(List.of(Setup.JAR, Setup.EXTRACTED, Setup.CDS)) && rounds >= 5
                && System.getProperty("osfit.bench.java-home") == null && System.getProperty("osfit.bench.osfit-jvm") == null;
        Path file = published ? Path.of("results", "start-" + LocalDate.now() + ".json")
                : Path.of(System.getProperty("java.io.tmpdir"), "start-trial.json");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, RealSchedulerDriver.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        System.out.println("written to " + file);
    }

    /** The exec jar extracted as the image holds it: {@code osfit.jar} with its libraries beside it. */
    static Path extract(Path jar, Path dir) throws Exception {
        Path to = dir.resolve("app");
        // Named as in the image (/app/osfit.jar): extract names the application's jar after the one it reads.
        Path named = Files.copy(jar, dir.resolve("osfit.jar"));
        exec(List.of(java(), "-Djarmode=tools", "-jar", named.toString(), "extract", "--destination", to.toString()), dir.resolve("extract.log"));
        return to.resolve("osfit.jar");
    }

    /** A class-data-sharing archive trained as the image's build does: cluster mode, the JVM exits once the context is refreshed. */
    static Path train(Path extracted, Path dir, String name, String option) throws Exception {
        Path archive = dir.resolve(name);
        Path kubeconfig = Files.writeString(dir.resolve("train-kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: t
                  cluster: {server: "https://127.0.0.1:1"}
                contexts:
                - name: t
                  context: {cluster: t, user: t}
                current-context: t
                users:
                - name: t
                  user: {token: t}
                """);
        List<String> command = new ArrayList<>(List.of(java(), option + archive));
        String training = System.getProperty("osfit.bench.train-jvm", "").trim();
        if (!training.isEmpty()) {
            command.addAll(List.of(training.split(" +")));
        }
        command.addAll(List.of("-Dspring.context.exit=onRefresh", "-jar", extracted.toString(), "--osfit.nodes.source=cluster",
                "--osfit.nodes.kubeconfig=" + kubeconfig, "--server.port=0", "--logging.level.root=WARN"));
        exec(command, dir.resolve("train-" + name + ".log"));
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("training wrote no " + name + ": see " + dir.resolve("train-" + name + ".log"));
        }
        return archive;
    }

    private static Run start(Setup setup, int round, Path jar, List<String> jvm, Path kubeconfig, Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--osfit.nodes.source=cluster",
                "--osfit.nodes.kubeconfig=" + kubeconfig));
        Path log = dir.resolve(setup + "-" + round + ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            double ready = NodeIndexMeasurement.secondsUntil200("http://127.0.0.1:" + port + "/actuator/health/readiness", t0, 60, p);
            double cpu = RealSchedulerDriver.ticks(p.pid()) / 100.0;
            Matcher m = STARTED.matcher(Files.readString(log));
            return new Run(setup.name(), round, ready, cpu, m.find() ? Double.parseDouble(m.group(1)) : Double.NaN,
                    m.find(0) ? Double.parseDouble(m.group(2)) : Double.NaN);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    private static void exec(List<String> command, Path log) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: see " + log);
        }
    }

    /** osfit's JVM: this one, or the Java home {@code -Dosfit.bench.java-home} names (to compare JDKs). */
    private static String java() {
        return Path.of(System.getProperty("osfit.bench.java-home", System.getProperty("java.home")), "bin", "java").toString();
    }
}
