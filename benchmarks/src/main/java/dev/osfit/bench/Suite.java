package dev.osfit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 * </pre>
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

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        List<String> includes = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("--")) {
                includes.add(a);
            }
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
        if (includes.isEmpty()) {
            options.include("dev.osfit.bench.*Benchmark");
        } else {
            includes.forEach(options::include);
        }
        long start = System.nanoTime();
        Collection<RunResult> jmh = new Runner(options.build()).run();
        if (!includes.isEmpty()) {
            return;
        }
        Path jar = Path.of("../target/osfit-0.1.0-SNAPSHOT-exec.jar").toAbsolutePath();
        System.out.println("load driver against " + jar + " with " + LOAD_NODES + " nodes");
        LoadDriver.Report load = LoadDriver.run(jar, LOAD_NODES, quick);
        double minutes = (System.nanoTime() - start) / 60e9;
        Report.write(results, stamp, jmh, load, minutes, quick);
        System.out.printf(Locale.ROOT, "suite took %.1f minutes; results in %s%n", minutes, results.toAbsolutePath());
    }
}
