package dev.osfit.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of the cluster's nodes: name to platform, and platform key (os, arch,
 * windows-build) to node names. Requests read one snapshot for their whole life; the index replaces
 * the snapshot, never changes it. Lookups are plain HashMap reads: no locks, no copying.
 *
 * <p>A node costs one map entry here; its name is the informer's own string and its platform an
 * interned instance shared by every node of that platform.
 */
public final class NodeSnapshot implements NodeCatalog {

    /** (os, arch, windows-build) without the revision: the grouping an operator thinks in. */
    public record PlatformKey(String os, String architecture, String windowsBuild) {

        static PlatformKey of(NodePlatform p) {
            return new PlatformKey(p.os(), p.architecture(), p.windowsVersion() == null ? null : p.windowsVersion().buildString());
        }
    }

    static final NodeSnapshot EMPTY_UNSYNCED = new NodeSnapshot(Map.of(), false, 0);

    private final Map<String, NodePlatform> byName;
    private final Map<PlatformKey, List<String>> byPlatform;
    private final boolean synced;
    private final long builtAtMillis;

    private NodeSnapshot(Map<String, NodePlatform> byName, boolean synced, long builtAtMillis) {
        this.byName = byName;
        this.synced = synced;
        this.builtAtMillis = builtAtMillis;
        Map<PlatformKey, List<String>> groups = new HashMap<>();
        byName.forEach((name, platform) -> groups.computeIfAbsent(PlatformKey.of(platform), k -> new ArrayList<>()).add(name));
        groups.replaceAll((k, names) -> {
            Collections.sort(names);
            return List.copyOf(names);
        });
        this.byPlatform = Map.copyOf(groups);
    }

    /** A snapshot of these nodes; the map is copied. */
    public static NodeSnapshot of(Map<String, NodePlatform> nodes, boolean synced, long builtAtMillis) {
        return new NodeSnapshot(new HashMap<>(nodes), synced, builtAtMillis);
    }

    @Override
    public NodePlatform platformOf(String nodeName) {
        return byName.get(nodeName);
    }

    /** In a synced snapshot a missing name is a node osfit has not heard of (yet). */
    @Override
    public boolean complete() {
        return synced;
    }

    @Override
    public boolean ready() {
        return synced;
    }

    public boolean synced() {
        return synced;
    }

    public int size() {
        return byName.size();
    }

    /** Node names per platform key, each list sorted. */
    public Map<PlatformKey, List<String>> byPlatform() {
        return byPlatform;
    }

    public long builtAtMillis() {
        return builtAtMillis;
    }
}
