package dev.osfit.node;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The cluster's nodes as osfit keeps them: fed by node events, read through immutable
 * {@link NodeSnapshot}s.
 *
 * <p>Events change a working map; {@link #publish()} turns it into a new snapshot. Publishing costs
 * O(nodes), so it is coalesced: the feeder calls {@link #publishIfChanged()} after a burst of events
 * (the informer's initial list is thousands of ADDED events, one snapshot is enough). Events that do
 * not change a node's platform (status heartbeats, condition flips) change nothing and publish
 * nothing. Thread-safe: one feeder thread, any number of readers.
 */
public final class NodeIndex {

    private final ConcurrentHashMap<String, NodePlatform> nodes = new ConcurrentHashMap<>();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final LongSupplier clock;
    private volatile NodeSnapshot snapshot = NodeSnapshot.EMPTY_UNSYNCED;
    private volatile boolean synced;
    private volatile long lastContactMillis;
    private final java.util.concurrent.atomic.AtomicInteger openWatches = new java.util.concurrent.atomic.AtomicInteger();

    public NodeIndex(LongSupplier clockMillis) {
        this.clock = Objects.requireNonNull(clockMillis);
    }

    public NodeIndex() {
        this(System::currentTimeMillis);
    }

    /** The current snapshot; requests read only this. */
    public NodeSnapshot snapshot() {
        return snapshot;
    }

    /** A node was added or changed. Returns whether its platform changed. */
    public boolean put(String name, NodePlatform platform) {
        touch();
        NodePlatform previous = nodes.put(name, platform);
        if (!platform.equals(previous)) {
            dirty.set(true);
            return true;
        }
        return false;
    }

    /** A node was deleted. */
    public void remove(String name) {
        touch();
        if (nodes.remove(name) != null) {
            dirty.set(true);
        }
    }

    /** Replaces every node at once (a relist). */
    public void replaceAll(Map<String, NodePlatform> all) {
        touch();
        nodes.keySet().retainAll(all.keySet());
        nodes.putAll(all);
        dirty.set(true);
    }

    /** The first full list has been applied: snapshots from now on are complete. */
    public void markSynced() {
        synced = true;
        dirty.set(true);
        publishIfChanged();
    }

    /** Publishes a new snapshot when events changed something since the last one. */
    public boolean publishIfChanged() {
        if (dirty.compareAndSet(true, false)) {
            publish();
            return true;
        }
        return false;
    }

    /** Publishes a new snapshot of the working map, unconditionally. */
    public void publish() {
        snapshot = NodeSnapshot.of(nodes, synced);
    }

    /** The API server answered (a list, a watch opening, an event). */
    public void touch() {
        lastContactMillis = clock.getAsLong();
    }

    /** A watch stream opened: while one is open the snapshot is current however old its last event. */
    public void watchOpened() {
        openWatches.incrementAndGet();
        touch();
    }

    /** A watch stream ended (normally or not). */
    public void watchClosed() {
        openWatches.updateAndGet(n -> Math.max(0, n - 1));
        touch();
    }

    public boolean synced() {
        return synced;
    }

    public boolean isConnected() {
        return openWatches.get() > 0;
    }

    /**
     * How stale the snapshot may be, in milliseconds: 0 while a watch is open, otherwise the time since
     * osfit last heard from the API server; -1 before it ever did.
     */
    public long ageMillis() {
        if (lastContactMillis == 0) {
            return -1;
        }
        return isConnected() ? 0 : Math.max(0, clock.getAsLong() - lastContactMillis);
    }

}
