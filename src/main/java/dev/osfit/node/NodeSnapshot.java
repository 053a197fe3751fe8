package dev.osfit.node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of the cluster's nodes: name to platform, and platform key (os, arch,
 * windows-build) to node names. Requests read one snapshot for their whole life; the index replaces
 * the snapshot, never changes it. No locks, no copying.
 *
 * <p>Cost: a names-only request looks up every candidate, so lookup is the matcher's per-node cost.
 * Names live in an open-addressing table (load at most 1/2) with their hash codes in a flat int
 * array, and their characters side by side in one char array: a probe compares ints, then one
 * contiguous range of characters, instead of chasing HashMap entry, key String and key bytes (which
 * the informer left scattered over the heap: profiled at about 200 ns a node in the running service).
 * Platforms are interned instances shared by every node of that platform.
 */
public final class NodeSnapshot implements NodeCatalog {

    /** (os, arch, windows-build) without the revision: the grouping an operator thinks in. */
    public record PlatformKey(String os, String architecture, String windowsBuild) {

        static PlatformKey of(NodePlatform p) {
            return new PlatformKey(p.os(), p.architecture(), p.windowsVersion() == null ? null : p.windowsVersion().buildString());
        }
    }

    static final NodeSnapshot EMPTY_UNSYNCED = new NodeSnapshot(Map.of(), false);

    private final String[] keys;
    private final int[] hashes;
    private final char[] chars;
    private final int[] offsets;
    private final int[] lengths;
    private final int maxLength;
    private final NodePlatform[] values;
    private final int mask;
    private final int shift;
    private final int size;
    private final Map<PlatformKey, List<String>> byPlatform;
    private final boolean synced;

    private NodeSnapshot(Map<String, NodePlatform> byName, boolean synced) {
        int capacity = Integer.highestOneBit(Math.max(4, byName.size() * 2 - 1)) << 1;
        this.keys = new String[capacity];
        this.hashes = new int[capacity];
        this.values = new NodePlatform[capacity];
        this.mask = capacity - 1;
        this.shift = Integer.numberOfLeadingZeros(capacity) + 1;
        this.size = byName.size();
        this.offsets = new int[capacity];
        this.lengths = new int[capacity];
        int total = 0;
        int longest = 0;
        for (String name : byName.keySet()) {
            total += name.length();
            longest = Math.max(longest, name.length());
        }
        this.chars = new char[total];
        this.maxLength = longest;
        int[] next = {0};
        byName.forEach((name, platform) -> {
            int h = name.hashCode();
            int i = slot(h);
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = name;
            hashes[i] = h;
            values[i] = platform;
            offsets[i] = next[0];
            lengths[i] = name.length();
            name.getChars(0, name.length(), chars, next[0]);
            next[0] += name.length();
        });
        this.synced = synced;
        Map<PlatformKey, List<String>> groups = new HashMap<>();
        byName.forEach((name, platform) -> groups.computeIfAbsent(PlatformKey.of(platform), k -> new ArrayList<>()).add(name));
        groups.replaceAll((k, names) -> {
            Collections.sort(names);
            return List.copyOf(names);
        });
        this.byPlatform = Map.copyOf(groups);
    }

    /** A snapshot of these nodes; the map is copied. */
    public static NodeSnapshot of(Map<String, NodePlatform> nodes, boolean synced) {
        return new NodeSnapshot(new HashMap<>(nodes), synced);
    }

    /** Fibonacci hashing: the top bits of hash times the golden ratio, so similar names spread out. */
    private int slot(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /**
     * Looks up many names at once (a names-only request): each name's characters are copied once into
     * a scratch buffer and compared with the stored range, so no stored String is touched.
     */
    @Override
    public void platformsOf(String[] names, int count, NodePlatform[] out, NodePlatform missing) {
        char[] scratch = new char[maxLength];
        for (int n = 0; n < count; n++) {
            String name = names[n];
            int length = name.length();
            NodePlatform found = missing;
            if (length <= maxLength) {
                name.getChars(0, length, scratch, 0);
                int h = name.hashCode();
                int i = slot(h);
                while (keys[i] != null) {
                    if (hashes[i] == h && lengths[i] == length
                            && Arrays.equals(scratch, 0, length, chars, offsets[i], offsets[i] + length)) {
                        found = values[i];
                        break;
                    }
                    i = (i + 1) & mask;
                }
            }
            out[n] = found;
        }
    }

    @Override
    public NodePlatform platformOf(String nodeName) {
        int h = nodeName.hashCode();
        int i = slot(h);
        String k;
        while ((k = keys[i]) != null) {
            if (hashes[i] == h && (k == nodeName || k.equals(nodeName))) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
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
        return size;
    }

    @Override
    public List<String> names() {
        return byPlatform.values().stream().flatMap(List::stream).sorted().toList();
    }

    /**
     * One platform per label combination (os, arch, Windows build), with its node count: what the
     * labels can tell apart. Nodes of one build that differ only in revision share an entry. O(keys).
     */
    @Override
    public Map<NodePlatform, Integer> platforms() {
        Map<NodePlatform, Integer> out = new HashMap<>();
        byPlatform.values().forEach(names -> out.merge(platformOf(names.get(0)), names.size(), Integer::sum));
        return out;
    }

    /** Node names per platform key, each list sorted. */
    public Map<PlatformKey, List<String>> byPlatform() {
        return byPlatform;
    }

}
