package dev.osfit.node;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The platforms of the nodes osfit has seen in full-node requests, for the one verb that never carries
 * node objects: kube-scheduler's preempt request names the candidate nodes and their victims only, and
 * when every node is full no filter call reaches osfit first. Standalone osfit answers preempt from this.
 *
 * <p>Bounded: by weight (a node name is at most 253 characters; the platform is interned and shared),
 * and an entry not seen again within {@code forgetAfter} goes, so a node removed or renamed is forgotten.
 * Recording costs one hash lookup per node; the entry is only rewritten when the platform changed or a
 * quarter of {@code forgetAfter} has passed, so a steady stream of full-node requests writes little.
 */
public final class SeenNodes implements NodeCatalog {

    /** Total weight kept: about this many bytes of names and entries (100,000 nodes of 40-character names fit). */
    static final long MAX_WEIGHT = 16L * 1024 * 1024;

    private record Seen(NodePlatform platform, long atNanos) {
    }

    private final Cache<String, Seen> seen;
    private final Ticker ticker;
    private final long rewriteAfterNanos;

    public SeenNodes(Duration forgetAfter) {
        this(forgetAfter, Ticker.systemTicker());
    }

    SeenNodes(Duration forgetAfter, Ticker ticker) {
        this(forgetAfter, ForkJoinPool.commonPool(), ticker);
    }

    SeenNodes(Duration forgetAfter, Executor maintenance, Ticker ticker) {
        this.ticker = ticker;
        this.rewriteAfterNanos = forgetAfter.toNanos() / 4;
        this.seen = Caffeine.newBuilder().ticker(ticker).executor(maintenance)
                .maximumWeight(MAX_WEIGHT)
                .weigher((String name, Seen s) -> 96 + 2 * name.length())
                .expireAfterWrite(forgetAfter)
                .build();
    }

    /** Records that {@code name} was seen with {@code platform} (null or unknown platforms are not recorded). */
    public void record(String name, NodePlatform platform) {
        if (name == null || platform == null || platform == NodePlatform.NOT_INDEXED) {
            return;
        }
        long now = ticker.read();
        Seen s = seen.getIfPresent(name);
        if (s == null || s.platform() != platform || now - s.atNanos() > rewriteAfterNanos) {
            seen.put(name, new Seen(platform, now));
        }
    }

    @Override
    public NodePlatform platformOf(String nodeName) {
        Seen s = seen.getIfPresent(nodeName);
        return s == null ? null : s.platform();
    }

    void cleanUp() {
        seen.cleanUp();
    }

    /** Nodes remembered now (approximate). */
    public long size() {
        return seen.estimatedSize();
    }
}
