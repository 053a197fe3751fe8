package dev.osfit.bench;

import dev.osfit.extender.ExtenderCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding a filter request at 5000 nodes: full node objects as kubelets report them (about 60 MB,
 * 40 status.images each) or node names only. osfit streams and keeps what it reads; the baseline
 * binds everything to client-java's V1Pod / V1NodeList.
 *
 * <p>Run alone: {@code java -jar target/benchmarks.jar DecodeBenchmark}
 */
@State(Scope.Benchmark)
public class DecodeBenchmark {

    @Param({"5000"})
    public int nodes;

    @Param({"full", "names"})
    public String form;

    @Param({"osfit", "baseline"})
    public String impl;

    private byte[] body;

    @Setup
    public void setup() {
        var all = BenchData.nodes(nodes);
        body = form.equals("full") ? BenchData.fullRequest(BenchData.WINDOWS_POD, all) : BenchData.namesRequest(BenchData.WINDOWS_POD, all);
    }

    @Benchmark
    public int decode() {
        if (impl.equals("osfit")) {
            return ExtenderCodec.decode(body).size();
        }
        Baseline.Args args = Baseline.decode(body);
        return args.nodes != null ? args.nodes.getItems().size() : args.nodeNames.size();
    }
}
