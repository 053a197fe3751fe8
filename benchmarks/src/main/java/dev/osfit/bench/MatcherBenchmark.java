package dev.osfit.bench;

import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.PodRequirements;
import dev.osfit.match.Scoring;
import dev.osfit.match.Verdict;
import dev.osfit.node.NodeSnapshot;
import dev.osfit.platform.Platform;
import dev.osfit.extender.ExtenderCodec;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Filter and score of one pod against N nodes in names mode, the step osfit runs for every
 * nodeCacheCapable request: compile the pod, look every named node up in the index snapshot, give
 * each a verdict and a score. The request's names are decoded once in setup, as the decoder leaves
 * them (in the body's bytes; decoding is {@link DecodeBenchmark}'s), and resolved again on every call.
 * The baseline looks full V1Node models up by name (an informer's lister) and reads and parses their
 * labels per node.
 *
 * <p>Run alone: {@code java -jar target/benchmarks.jar MatcherBenchmark}
 */
@State(Scope.Benchmark)
public class MatcherBenchmark {

    @Param({"100", "1000", "5000", "15000"})
    public int nodes;

    @Param({"windows", "linux"})
    public String pod;

    @Param({"osfit", "baseline"})
    public String impl;

    private String[] names;
    private ExtenderCodec.Request request;
    private NodeSnapshot snapshot;
    private PodFacts facts;
    private PodCompiler compiler;
    private Map<String, V1Node> lister;
    private V1Pod baselinePod;

    @Setup
    public void setup() {
        List<RealisticNodes.Node> all = BenchData.nodes(nodes);
        names = BenchData.names(all);
        if (impl.equals("osfit")) {
            snapshot = BenchData.index(all).snapshot();
            facts = BenchData.podFacts(BenchData.pod(pod));
            compiler = BenchData.compiler();
            request = ExtenderCodec.names(facts, names);
        } else {
            lister = new HashMap<>();
            for (RealisticNodes.Node n : all) {
                lister.put(n.name(), JSON.deserialize(n.json(), V1Node.class));
            }
            baselinePod = JSON.deserialize(BenchData.pod(pod), V1Pod.class);
        }
    }

    /** Returns the sum of passing scores and failures, so nothing is optimised away. */
    @Benchmark
    public long filterAndScore() {
        return impl.equals("osfit") ? osfit() : baseline();
    }

    private long osfit() {
        PodRequirements requirements = compiler.compile(facts).toCompletableFuture().join();
        Matcher matcher = new Matcher(requirements, Scoring.DEFAULTS);
        ExtenderCodec.Request candidates = request.resolve(snapshot);
        long sum = 0;
        for (int i = 0; i < candidates.size(); i++) {
            Verdict v = matcher.verdict(candidates.platform(i));
            sum += v.passes() ? v.score() : -1;
        }
        return sum;
    }

    private long baseline() {
        List<List<Platform>> needs = Baseline.imageNeeds(baselinePod);
        long sum = 0;
        for (String name : names) {
            sum += Baseline.fits(lister.get(name), needs) ? Scoring.DEFAULTS.exactMatch() : -1;
        }
        return sum;
    }
}
