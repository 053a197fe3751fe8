package dev.osfit.extender;

import dev.osfit.node.NodeCatalog;
import dev.osfit.node.NodePlatform;
import dev.osfit.node.NodeSnapshot;
import java.nio.charset.StandardCharsets;

/**
 * The candidate nodes of a request, in request order: either names only (nodeCacheCapable) or full
 * node objects, of which osfit keeps the name, the platform and where the object's bytes lie in the
 * request body, so that a passing node goes back byte for byte as kube-scheduler sent it.
 *
 * <p>Names only, as kube-scheduler sends them (plain ASCII, nothing escaped), stay where they lie in
 * the body: looked up by their bytes and hash, and copied back into the answer, with no String made
 * per name. Other names (escapes, non-ASCII) are decoded to Strings.
 */
final class RequestNodes {

    private final boolean full;
    private final byte[] body;
    private final int count;
    private final String[] names;
    private final NodePlatform[] platforms;
    private final int[] starts;
    private final int[] ends;
    /** Names only, left in the body: each name's {@link NodeSnapshot#hash}; null otherwise. */
    private final int[] hashes;

    private RequestNodes(boolean full, byte[] body, int count, String[] names, NodePlatform[] platforms, int[] starts, int[] ends,
                         int[] hashes) {
        this.full = full;
        this.body = body;
        this.count = count;
        this.names = names;
        this.platforms = platforms;
        this.starts = starts;
        this.ends = ends;
        this.hashes = hashes;
    }

    /** Names-only candidates, as a NodeNames request carries them. */
    static RequestNodes ofNames(String... names) {
        int total = 0;
        for (String name : names) {
            if (!plain(name)) {
                return names(names.clone(), names.length);
            }
            total += name.length();
        }
        byte[] bytes = new byte[total];
        int[] starts = new int[names.length];
        int[] ends = new int[names.length];
        int[] hashes = new int[names.length];
        int at = 0;
        for (int i = 0; i < names.length; i++) {
            starts[i] = at;
            for (int k = 0; k < names[i].length(); k++) {
                bytes[at++] = (byte) names[i].charAt(k);
            }
            ends[i] = at;
            hashes[i] = NodeSnapshot.hash(bytes, starts[i], ends[i] - starts[i]);
        }
        return inBody(bytes, names.length, starts, ends, hashes);
    }

    /** Printable ASCII without quote or backslash: bytes that go into a JSON string as they are. */
    static boolean plain(String name) {
        for (int k = 0; k < name.length(); k++) {
            if (!plain(name.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    static boolean plain(int c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    }

    /** Names as Strings (a name that had to be decoded). */
    static RequestNodes names(String[] names, int count) {
        return new RequestNodes(false, null, count, names, new NodePlatform[count], null, null, null);
    }

    /** Names left in the body: the i-th is {@code body[starts[i] .. ends[i])}, {@link #plain} bytes, hash {@code hashes[i]}. */
    static RequestNodes inBody(byte[] body, int count, int[] starts, int[] ends, int[] hashes) {
        return new RequestNodes(false, body, count, null, new NodePlatform[count], starts, ends, hashes);
    }

    static RequestNodes full(byte[] body, int count, String[] names, NodePlatform[] platforms, int[] starts, int[] ends) {
        return new RequestNodes(true, body, count, names, platforms, starts, ends, null);
    }

    /** True when the request carried full node objects ({@code Nodes}), false for {@code NodeNames}. */
    boolean full() {
        return full;
    }

    int size() {
        return count;
    }

    String name(int i) {
        return names != null ? names[i] : new String(body, starts[i], ends[i] - starts[i], StandardCharsets.US_ASCII);
    }

    /** Writes the i-th name as a JSON string: names left in the body are copied as they came. */
    void writeName(JsonOut out, int i) {
        if (names != null) {
            out.string(names[i]);
        } else {
            out.raw('"').raw(body, starts[i], ends[i] - starts[i]).raw('"');
        }
    }

    /** The node's platform; null when osfit does not know it. Names-only requests need {@link #resolve} first. */
    NodePlatform platform(int i) {
        return platforms[i];
    }

    /**
     * Looks up the platform of every named node in the catalog (names-only requests; no-op for full
     * nodes). A name a complete catalog does not hold becomes {@link NodePlatform#NOT_INDEXED}.
     */
    RequestNodes resolve(NodeCatalog catalog) {
        NodePlatform missing = catalog.complete() ? NodePlatform.NOT_INDEXED : null;
        if (full) {
            return this;
        }
        if (names != null) {
            catalog.platformsOf(names, count, platforms, missing);
        } else {
            catalog.platformsOf(body, starts, ends, hashes, count, platforms, missing);
        }
        return this;
    }

    /** Number of nodes whose platform is not known. */
    int unknownCount() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (platforms[i] == null || platforms[i] == NodePlatform.NOT_INDEXED) {
                n++;
            }
        }
        return n;
    }

    int nodeLength(int i) {
        return ends[i] - starts[i];
    }

    void writeNode(JsonOut out, int i) {
        out.raw(body, starts[i], ends[i] - starts[i]);
    }
}
