package dev.osfit.node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of the cluster's nodes: name to platform, and platform key (os, arch,
 * windows-build) to node names. Requests read one snapshot for their whole life; the index replaces
 * the snapshot, never changes it. No locks, no copying.
 *
 * <p>Cost: a names-only request looks up every candidate, so lookup is the matcher's per-node cost,
 * and in the running service the table is cold: kube-scheduler, the API server and etcd have run on
 * the same cores since the last request (profiled inside the real scheduler: about 140 ns a name with
 * five parallel arrays, most of it cache misses). So a probe reads one 16-byte slot (hash, where the
 * name's bytes start, their length, the platform's index) and then one run of bytes: two cache lines
 * for a hit, where a HashMap chases entry, key String and key bytes. Names are kept as UTF-8 bytes
 * side by side, so a request's names are looked up as the bytes they arrived as ({@link #hash}), with
 * no String made per name. Platforms are interned instances shared by every node of that platform.
 */
public final class NodeSnapshot implements NodeCatalog {

    /** (os, arch, windows-build) without the revision: the grouping an operator thinks in. */
    public record PlatformKey(String os, String architecture, String windowsBuild) {

        static PlatformKey of(NodePlatform p) {
            return new PlatformKey(p.os(), p.architecture(), p.windowsVersion() == null ? null : p.windowsVersion().buildString());
        }
    }

    static final NodeSnapshot EMPTY_UNSYNCED = new NodeSnapshot(Map.of(), false);

    /** Ints per slot: hash, byte offset, length, platform index + 1 (0: empty slot). */
    private static final int STRIDE = 4;

    private final int[] slots;
    private final byte[] bytes;
    private final NodePlatform[] platforms;
    private final int mask;
    private final int shift;
    private final int size;
    private final Map<PlatformKey, List<String>> byPlatform;
    private final boolean synced;

    private NodeSnapshot(Map<String, NodePlatform> byName, boolean synced) {
        int capacity = Integer.highestOneBit(Math.max(4, byName.size() * 2 - 1)) << 1;
        this.slots = new int[capacity * STRIDE];
        this.mask = capacity - 1;
        this.shift = Integer.numberOfLeadingZeros(capacity) + 1;
        this.size = byName.size();
        Map<NodePlatform, Integer> platformIndex = new IdentityHashMap<>();
        List<NodePlatform> distinct = new ArrayList<>();
        byte[][] encoded = new byte[byName.size()][];
        NodePlatform[] of = new NodePlatform[byName.size()];
        int total = 0;
        int n = 0;
        for (Map.Entry<String, NodePlatform> e : byName.entrySet()) {
            encoded[n] = e.getKey().getBytes(StandardCharsets.UTF_8);
            of[n] = e.getValue();
            total += encoded[n++].length;
        }
        this.bytes = new byte[total];
        int next = 0;
        for (n = 0; n < encoded.length; n++) {
            byte[] name = encoded[n];
            NodePlatform platform = of[n];
            Integer index = platformIndex.get(platform);
            if (index == null) {
                index = distinct.size();
                platformIndex.put(platform, index);
                distinct.add(platform);
            }
            int h = hash(name, 0, name.length);
            int i = slot(h);
            while (slots[i * STRIDE + 3] != 0) {
                i = (i + 1) & mask;
            }
            int at = i * STRIDE;
            slots[at] = h;
            slots[at + 1] = next;
            slots[at + 2] = name.length;
            slots[at + 3] = index + 1;
            System.arraycopy(name, 0, bytes, next, name.length);
            next += name.length;
        }
        this.platforms = distinct.toArray(new NodePlatform[0]);
        this.synced = synced;
        Map<PlatformKey, List<String>> groups = new HashMap<>();
        byName.forEach((name, platform) -> groups.computeIfAbsent(PlatformKey.of(platform), k -> new ArrayList<>()).add(name));
        groups.replaceAll((k, names) -> {
            Collections.sort(names);
            return List.copyOf(names);
        });
        this.byPlatform = Map.copyOf(groups);
    }

    /**
     * The hash a name's UTF-8 bytes are filed under: {@code 31 * h + byte}, so that for an ASCII name
     * (every valid node name) it is the name's {@link String#hashCode}.
     */
    public static int hash(byte[] utf8, int from, int length) {
        int h = 0;
        for (int k = from; k < from + length; k++) {
            h = 31 * h + (utf8[k] & 0xff);
        }
        return h;
    }

    /** A snapshot of these nodes; the map is copied. */
    public static NodeSnapshot of(Map<String, NodePlatform> nodes, boolean synced) {
        return new NodeSnapshot(new HashMap<>(nodes), synced);
    }

    /** Fibonacci hashing: the top bits of hash times the golden ratio, so similar names spread out. */
    private int slot(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /** Looks up many names given as UTF-8 byte ranges of one array, with their {@link #hash}es (a names-only request). */
    @Override
    public void platformsOf(byte[] utf8, int[] starts, int[] ends, int[] hashes, int count, NodePlatform[] out, NodePlatform missing) {
        for (int n = 0; n < count; n++) {
            NodePlatform found = find(utf8, starts[n], ends[n] - starts[n], hashes[n]);
            out[n] = found != null ? found : missing;
        }
    }

    private NodePlatform find(byte[] utf8, int from, int length, int h) {
        int[] table = slots;
        byte[] stored = bytes;
        for (int i = slot(h); ; i = (i + 1) & mask) {
            int at = i * STRIDE;
            int platform = table[at + 3];
            if (platform == 0) {
                return null;
            }
            int offset = table[at + 1];
            if (table[at] == h && table[at + 2] == length && Arrays.equals(utf8, from, from + length, stored, offset, offset + length)) {
                return platforms[platform - 1];
            }
        }
    }

    @Override
    public NodePlatform platformOf(String nodeName) {
        byte[] utf8 = nodeName.getBytes(StandardCharsets.UTF_8);
        return find(utf8, 0, utf8.length, hash(utf8, 0, utf8.length));
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
