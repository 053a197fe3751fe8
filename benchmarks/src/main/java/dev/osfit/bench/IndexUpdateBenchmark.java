package dev.osfit.bench;

import dev.osfit.node.NodeIndex;
import dev.osfit.node.NodePlatform;
import dev.osfit.platform.OsVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Applying one node event to the index at 5000 nodes and publishing the new snapshot: a Windows node
 * upgraded (its platform changes every time, so every event publishes). Heartbeat updates that keep
 * the platform publish nothing and are not measured here.
 *
 * <p>Run alone: {@code java -jar target/benchmarks.jar IndexUpdateBenchmark}
 */
@State(Scope.Benchmark)
public class IndexUpdateBenchmark {

    @Param({"5000"})
    public int nodes;

    private NodeIndex index;
    private String node;
    private final NodePlatform before = NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 17763, 6659));
    private final NodePlatform after = NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 20348, 2966));
    private boolean flip;

    @Setup
    public void setup() {
        var all = BenchData.nodes(nodes);
        index = BenchData.index(all);
        node = all.get(15).name();
    }

    @Benchmark
    public int applyEventAndPublish() {
        flip = !flip;
        index.put(node, flip ? after : before);
        index.publishIfChanged();
        return index.snapshot().size();
    }
}
