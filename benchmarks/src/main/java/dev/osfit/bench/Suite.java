package dev.osfit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The whole benchmark suite, with every JMH setting in one place: the JMH benchmarks, then the load
 * driver against the real service, then the report (results/DATE-CPU.json, .md and .svg, and
 * results/latest.*).
 *
 * <pre>
 * java -jar target/benchmarks.jar                    # everything (about 10 minutes on 2 cores)
 * java -jar target/benchmarks.jar --quick            # shorter iterations and load runs
 * java -jar target/benchmarks.jar MatcherBenchmark   # one JMH benchmark (a regex), printed only
 * java -jar target/benchmarks.jar MatcherBenchmark -f 1 -wi 1 -i 1 -p nodes=1000   # JMH's own flags
 * </pre>
 *
 * <p>Anything but {@code --quick} on the command line is JMH's own command line (benchmark regexes and
 * flags, {@code -h} lists them), run with the suite's settings wherever it does not set its own; such a
 * run prints its figures and writes nothing under {@code results/} unless it asks to ({@code -rff}).
 */
public final class Suite {

    // Every JMH setting, pinned here.
    static final int FORKS = 1;
    static final int WARMUP_ITERATIONS = 3;
    static final int MEASUREMENT_ITERATIONS = 5;
    static final TimeValue ITERATION_TIME = TimeValue.seconds(1);
    static final String[] JVM_ARGS = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"};
    static final int LOAD_NODES = 5000;

    private Suite() {
    }

    /** JMH's command line with the suite's settings added for every flag it does not give itself. */
    static String[] withSuiteDefaults(List<String> args, boolean quick) {
        List<String> out = new ArrayList<>(args);
        Map<String, List<String>> defaults = new LinkedHashMap<>();
        defaults.put("-f", List.of(String.valueOf(FORKS)));
        defaults.put("-wi", List.of(String.valueOf(quick ? 1 : WARMUP_ITERATIONS)));
        defaults.put("-i", List.of(String.valueOf(quick ? 2 : MEASUREMENT_ITERATIONS)));
        defaults.put("-w", List.of(ITERATION_TIME.getTime() + "s"));
        defaults.put("-r", List.of(ITERATION_TIME.getTime() + "s"));
        defaults.put("-bm", List.of("avgt"));
        defaults.put("-tu", List.of("us"));
        defaults.put("-jvmArgs", List.of(String.join(" ", JVM_ARGS)));
        defaults.forEach((flag, value) -> {
            if (!args.contains(flag)) {
                out.add(flag);
                out.addAll(value);
            }
        });
        return out.toArray(String[]::new);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        List<String> jmhArgs = new ArrayList<>(List.of(args));
        jmhArgs.remove("--quick");
        if (!jmhArgs.isEmpty()) {
            org.openjdk.jmh.Main.main(withSuiteDefaults(jmhArgs, quick));
            return;
        }
        // A smoke run must not overwrite the published figures.
        Path results = quick ? Path.of("results", "quick") : Path.of("results");
        Files.createDirectories(results);
        String stamp = LocalDate.now() + "-" + Machine.cpuSlug();
        Path jmhJson = results.resolve(stamp + "-jmh.json");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(FORKS)
                .warmupIterations(quick ? 1 : WARMUP_ITERATIONS)
                .measurementIterations(quick ? 2 : MEASUREMENT_ITERATIONS)
                .warmupTime(ITERATION_TIME)
                .measurementTime(ITERATION_TIME)
                .jvmArgs(JVM_ARGS)
                .mode(Mode.AverageTime)
                .timeUnit(TimeUnit.MICROSECONDS)
                .resultFormat(ResultFormatType.JSON)
                .result(jmhJson.toString());
        options.include("dev.osfit.bench.*Benchmark");
        long start = System.nanoTime();
        Collection<RunResult> jmh = new Runner(options.build()).run();
        Path jar = Path.of("../target/osfit-0.1.0-SNAPSHOT-exec.jar").toAbsolutePath();
        System.out.println("load driver against " + jar + " with " + LOAD_NODES + " nodes");
        LoadDriver.Report load = LoadDriver.run(jar, LOAD_NODES, quick);
        double minutes = (System.nanoTime() - start) / 60e9;
        Report.write(results, stamp, jmh, load, minutes, quick);
        System.out.printf(Locale.ROOT, "suite took %.1f minutes; results in %s%n", minutes, results.toAbsolutePath());
    }
}
