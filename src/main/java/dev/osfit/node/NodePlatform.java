package dev.osfit.node;

import dev.osfit.platform.OsVersion;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a node offers: os, architecture and, for Windows, its version (build from the
 * {@code node.kubernetes.io/windows-build} label, revision from the kernel version).
 *
 * <p>Instances are interned: a cluster has a handful of distinct platforms however many nodes it has,
 * so each gets a small dense {@link #id()} that lets a matcher keep one verdict per platform in an
 * array instead of hashing per node. The intern table is capped; past the cap (only reachable with
 * hostile input) platforms are still created but get {@link #NO_ID} and are not memoised.
 */
public final class NodePlatform {

    public static final int NO_ID = -1;
    static final int MAX_INTERNED = 4096;

    private static final ConcurrentHashMap<Key, NodePlatform> INTERNED = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    /**
     * Stands for a named node that a complete catalog does not hold: osfit has not heard of it yet.
     * Compared by identity; never interned.
     */
    public static final NodePlatform NOT_INDEXED = new NodePlatform(null, null, null, NO_ID);

    private final String os;
    private final String architecture;
    private final OsVersion windowsVersion;
    private final int id;

    private NodePlatform(String os, String architecture, OsVersion windowsVersion, int id) {
        this.os = os;
        this.architecture = architecture;
        this.windowsVersion = windowsVersion;
        this.id = id;
    }

    private record Key(String os, String architecture, OsVersion windowsVersion) {
    }

    /**
     * The interned platform. {@code os} and {@code architecture} may be null when the node does not
     * say; {@code windowsVersion} is null unless the node is Windows and states its build.
     */
    public static NodePlatform of(String os, String architecture, OsVersion windowsVersion) {
        Key key = new Key(os, architecture, windowsVersion);
        NodePlatform p = INTERNED.get(key);
        if (p != null) {
            return p;
        }
        if (INTERNED.size() >= MAX_INTERNED) {
            return new NodePlatform(os, architecture, windowsVersion, NO_ID);
        }
        return INTERNED.computeIfAbsent(key, k -> new NodePlatform(os, architecture, windowsVersion, NEXT_ID.getAndIncrement()));
    }

    public String os() {
        return os;
    }

    public String architecture() {
        return architecture;
    }

    /** The Windows version, or null when the node is not Windows or does not state its build. */
    public OsVersion windowsVersion() {
        return windowsVersion;
    }

    public int id() {
        return id;
    }

    public boolean isWindows() {
        return "windows".equals(os);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodePlatform p && Objects.equals(os, p.os) && Objects.equals(architecture, p.architecture)
                && Objects.equals(windowsVersion, p.windowsVersion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(os, architecture, windowsVersion);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (windowsVersion == null ? "" : " " + windowsVersion);
    }
}
