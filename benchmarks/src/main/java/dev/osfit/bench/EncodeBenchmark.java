package dev.osfit.bench;

import dev.osfit.match.Matcher;
import dev.osfit.match.Scoring;
import dev.osfit.match.Verdict;
import dev.osfit.extender.ExtenderCodec;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding the filter answer for a Windows pod at 5000 nodes (a quarter of them Windows, two of
 * three Windows builds rejected with a reason): passing nodes as objects (osfit copies each node's
 * request bytes; the baseline serialises V1Node models) or as names.
 *
 * <p>Run alone: {@code java -jar target/benchmarks.jar EncodeBenchmark}
 */
@State(Scope.Benchmark)
public class EncodeBenchmark {

    @Param({"5000"})
    public int nodes;

    @Param({"full", "names"})
    public String form;

    @Param({"osfit", "baseline"})
    public String impl;

    private ExtenderCodec.Request args;
    private Matcher matcher;
    private Baseline.FilterResult baselineResult;

    @Setup
    public void setup() {
        var all = BenchData.nodes(nodes);
        byte[] full = BenchData.fullRequest(BenchData.WINDOWS_POD, all);
        args = ExtenderCodec.decode(form.equals("full") ? full : BenchData.namesRequest(BenchData.WINDOWS_POD, all));
        ExtenderCodec.Request fullArgs = ExtenderCodec.decode(full);
        matcher = new Matcher(BenchData.compiler().compile(args.pod()).toCompletableFuture().join(), Scoring.DEFAULTS);
        if (!form.equals("full")) {
            args.resolve(BenchData.index(all).snapshot());
        }
        if (impl.equals("baseline")) {
            Baseline.Args decoded = Baseline.decode(full);
            baselineResult = new Baseline.FilterResult();
            List<V1Node> passing = new ArrayList<>();
            List<String> passingNames = new ArrayList<>();
            baselineResult.failedNodes = new HashMap<>();
            baselineResult.failedAndUnresolvableNodes = new HashMap<>();
            for (int i = 0; i < fullArgs.size(); i++) {
                Verdict v = matcher.verdict(fullArgs.platform(i));
                if (v.passes()) {
                    passing.add(decoded.nodes.getItems().get(i));
                    passingNames.add(fullArgs.name(i));
                } else {
                    baselineResult.failedAndUnresolvableNodes.put(fullArgs.name(i), v.reason());
                }
            }
            if (form.equals("full")) {
                baselineResult.nodes = new V1NodeList().items(passing);
            } else {
                baselineResult.nodeNames = passingNames;
            }
        }
    }

    @Benchmark
    public int encode() {
        if (impl.equals("osfit")) {
            return args.filter(matcher).length;
        }
        return Baseline.encode(baselineResult).length();
    }
}
