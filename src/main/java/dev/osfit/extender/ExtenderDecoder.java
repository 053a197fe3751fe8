package dev.osfit.extender;

import static dev.osfit.kube.JsonFields.describe;
import static dev.osfit.kube.JsonFields.expect;
import static dev.osfit.kube.JsonFields.forEachField;
import static dev.osfit.kube.JsonFields.string;

import dev.osfit.kube.BadRequestException;
import dev.osfit.kube.NodeReader;
import dev.osfit.kube.PodReader;
import dev.osfit.match.PodFacts;
import dev.osfit.node.NodePlatform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads kube-scheduler's extender requests. Top-level keys are Go field names, matched
 * case-insensitively as Go's encoding/json does; nested objects are Kubernetes JSON, read by
 * {@code kube}'s readers.
 *
 * <p>Cost: a full NodeList is megabytes, nearly all of it managedFields and status.images. Nodes are
 * read with the streaming parser, keeping only name, platform labels and nodeInfo, and the byte range
 * of each node object; everything else is skipped without building strings. The pod (a few KB) is
 * bound to narrow records. Thread-safe.
 */
final class ExtenderDecoder {

    /**
     * Ten times the largest cluster Kubernetes supports (5000 nodes): a request naming more is not from
     * kube-scheduler, and everything per node that osfit holds for it (explain's rows above all) is bounded by it.
     */
    static final int MAX_NODES = 50_000;

    /** Decodes ExtenderArgs ({@code Pod}, {@code Nodes}, {@code NodeNames}). */
    ExtenderArgs decodeArgs(byte[] body) {
        Object[] read = new Object[3]; // pod, nodes, names
        decode(body, (key, value, p) -> {
            if (key.equalsIgnoreCase("Pod")) {
                read[0] = readPod(p, value);
            } else if (key.equalsIgnoreCase("Nodes")) {
                read[1] = value == JsonToken.VALUE_NULL ? null : readNodeList(p, value, body);
            } else if (key.equalsIgnoreCase("NodeNames")) {
                read[2] = value == JsonToken.VALUE_NULL ? null : readNames(p, value, body);
            } else {
                return false;
            }
            return true;
        });
        if (read[1] == null && read[2] == null) {
            throw new BadRequestException("Nodes and NodeNames are both null: one must list the candidate nodes");
        }
        return new ExtenderArgs((PodFacts) read[0], (RequestNodes) (read[1] != null ? read[1] : read[2]));
    }

    /** Decodes ExtenderPreemptionArgs ({@code Pod}, {@code NodeNameToVictims}, {@code NodeNameToMetaVictims}). */
    @SuppressWarnings("unchecked")
    PreemptionArgs decodePreemption(byte[] body) {
        Object[] read = new Object[3]; // pod, victims, meta victims
        decode(body, (key, value, p) -> {
            if (key.equalsIgnoreCase("Pod")) {
                read[0] = readPod(p, value);
            } else if (key.equalsIgnoreCase("NodeNameToVictims")) {
                read[1] = value == JsonToken.VALUE_NULL ? null : readVictims(p, value, key, false);
            } else if (key.equalsIgnoreCase("NodeNameToMetaVictims")) {
                read[2] = value == JsonToken.VALUE_NULL ? null : readVictims(p, value, key, true);
            } else {
                return false;
            }
            return true;
        });
        if (read[1] == null && read[2] == null) {
            throw new BadRequestException("NodeNameToVictims and NodeNameToMetaVictims are both null: one must list the candidates");
        }
        return new PreemptionArgs((PodFacts) read[0], (List<PreemptionArgs.NodeVictims>) (read[2] != null ? read[2] : read[1]));
    }

    /** A top-level property reader that also gets the parser. */
    private interface TopLevel {
        boolean read(String key, JsonToken value, JsonParser p);
    }

    /**
     * The frame both requests share: one JSON object, each property to {@code reader}, nothing after
     * it, and a pod; parser errors become bad input.
     */
    private static void decode(byte[] body, TopLevel reader) {
        if (body == null || body.length == 0) {
            throw new BadRequestException("empty request body: expected a JSON object");
        }
        if (!utf8(body)) {
            // Node byte ranges are offsets into the body, copied back into the answer: UTF-8 only (RFC 8259 8.1).
            throw new BadRequestException("request body must be UTF-8 JSON (found a UTF-16 or UTF-32 byte order mark or NUL bytes)");
        }
        try (JsonParser p = PodReader.parser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new BadRequestException("request body must be a JSON object, found " + describe(first));
            }
            boolean[] pod = new boolean[1];
            forEachField(p, (key, value) -> {
                pod[0] |= key.equalsIgnoreCase("Pod") && value != JsonToken.VALUE_NULL;
                return reader.read(key, value, p);
            });
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new BadRequestException("expected a property name at the top level, found " + describe(p.currentToken()));
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new BadRequestException("unexpected content after the top-level object: " + describe(trailing));
            }
            if (!pod[0]) {
                throw new BadRequestException("Pod is missing or null");
            }
        } catch (JacksonException e) {
            throw PodReader.malformed(e);
        }
    }

    /** What Jackson would read as UTF-16 or UTF-32: a byte order mark, or a NUL among the first four bytes. */
    private static boolean utf8(byte[] body) {
        if (body.length >= 2 && ((body[0] & 0xff) == 0xfe && (body[1] & 0xff) == 0xff || (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xfe)) {
            return false;
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                return false;
            }
        }
        return true;
    }

    private static PodFacts readPod(JsonParser p, JsonToken value) {
        return value == JsonToken.VALUE_NULL ? null : PodReader.read(p, "Pod");
    }

    /**
     * NodeNames. A name that is plain ASCII between its quotes (every valid node name) is left where it
     * lies in the body and hashed as it is scanned; Jackson skips it without making a String. The first
     * name that is not (an escape, a byte beyond ASCII) turns the request to decoded Strings.
     */
    private static RequestNodes readNames(JsonParser p, JsonToken value, byte[] body) {
        expect(value, JsonToken.START_ARRAY, "NodeNames");
        int capacity = 64;
        int[] starts = new int[capacity];
        int[] ends = new int[capacity];
        int[] hashes = new int[capacity];
        String[] names = null;
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw new BadRequestException("NodeNames[" + n + "]: expected a node name string, found " + describe(t));
            }
            if (n == MAX_NODES) {
                throw new BadRequestException("NodeNames: more than " + MAX_NODES + " nodes in one request");
            }
            if (n == capacity) {
                capacity *= 2;
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
                hashes = Arrays.copyOf(hashes, capacity);
                names = names == null ? null : Arrays.copyOf(names, capacity);
            }
            if (names == null && scanPlain(body, (int) p.currentTokenLocation().getByteOffset(), n, starts, ends, hashes)) {
                n++;
                continue;
            }
            if (names == null) {
                names = new String[capacity];
                for (int i = 0; i < n; i++) {
                    names[i] = new String(body, starts[i], ends[i] - starts[i], StandardCharsets.US_ASCII);
                }
            }
            names[n++] = p.getString();
        }
        return names == null ? RequestNodes.inBody(body, n, starts, ends, hashes) : RequestNodes.names(names, n);
    }

    /**
     * Scans the JSON string whose opening quote is at {@code quote}: when its content is plain ASCII
     * ({@link RequestNodes#plain}) up to the closing quote, records where it lies and its hash in slot
     * {@code n} and says so.
     */
    private static boolean scanPlain(byte[] body, int quote, int n, int[] starts, int[] ends, int[] hashes) {
        if (quote < 0 || quote >= body.length || body[quote] != '"') {
            return false;
        }
        int h = 0;
        for (int k = quote + 1; k < body.length; k++) {
            byte b = body[k];
            if (b == '"') {
                starts[n] = quote + 1;
                ends[n] = k;
                hashes[n] = h;
                return true;
            }
            if (!RequestNodes.plain(b)) {
                return false;
            }
            h = 31 * h + b; // NodeSnapshot.hash, accumulated in the same pass that finds the closing quote
        }
        return false;
    }

    private static RequestNodes readNodeList(JsonParser p, JsonToken value, byte[] body) {
        expect(value, JsonToken.START_OBJECT, "Nodes");
        RequestNodes[] nodes = new RequestNodes[1];
        forEachField(p, (key, t) -> {
            if (key.equals("items") && t != JsonToken.VALUE_NULL) {
                nodes[0] = readItems(p, t, body);
                return true;
            }
            return false;
        });
        return nodes[0] != null ? nodes[0] : RequestNodes.full(body, 0, new String[0], new NodePlatform[0], new int[0], new int[0]);
    }

    private static RequestNodes readItems(JsonParser p, JsonToken value, byte[] body) {
        expect(value, JsonToken.START_ARRAY, "Nodes.items");
        int capacity = 64;
        String[] names = new String[capacity];
        NodePlatform[] platforms = new NodePlatform[capacity];
        int[] starts = new int[capacity];
        int[] ends = new int[capacity];
        int n = 0;
        NodeReader reader = new NodeReader();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(t, JsonToken.START_OBJECT, "Nodes.items[" + n + "]");
            if (n == MAX_NODES) {
                throw new BadRequestException("Nodes.items: more than " + MAX_NODES + " nodes in one request");
            }
            if (n == capacity) {
                capacity *= 2;
                names = Arrays.copyOf(names, capacity);
                platforms = Arrays.copyOf(platforms, capacity);
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
            }
            starts[n] = (int) p.currentTokenLocation().getByteOffset();
            reader.read(p, "Nodes.items", n);
            ends[n] = (int) p.currentTokenLocation().getByteOffset() + 1;
            if (reader.name() == null) {
                throw new BadRequestException("Nodes.items[" + n + "].metadata.name is missing");
            }
            names[n] = reader.name();
            platforms[n] = reader.platform();
            n++;
        }
        return RequestNodes.full(body, n, names, platforms, starts, ends);
    }

    private static List<PreemptionArgs.NodeVictims> readVictims(JsonParser p, JsonToken value, String key, boolean meta) {
        expect(value, JsonToken.START_OBJECT, key);
        List<PreemptionArgs.NodeVictims> out = new ArrayList<>();
        forEachField(p, (node, t) -> {
            String where = key + "[" + node + "]";
            if (t == JsonToken.VALUE_NULL) {
                out.add(new PreemptionArgs.NodeVictims(node, List.of(), 0));
                return true;
            }
            expect(t, JsonToken.START_OBJECT, where);
            List<String> uids = new ArrayList<>();
            long[] pdb = new long[1];
            forEachField(p, (field, v) -> {
                if (field.equalsIgnoreCase("Pods") && v != JsonToken.VALUE_NULL) {
                    expect(v, JsonToken.START_ARRAY, where + ".Pods");
                    JsonToken pod;
                    while ((pod = p.nextToken()) != JsonToken.END_ARRAY) {
                        String podWhere = where + ".Pods[" + uids.size() + "]";
                        expect(pod, JsonToken.START_OBJECT, podWhere);
                        String uid = meta ? readMetaPodUid(p, podWhere) : readPodUid(p, podWhere);
                        if (uid == null) {
                            throw new BadRequestException(podWhere + (meta ? ".UID" : ".metadata.uid") + " is missing");
                        }
                        uids.add(uid);
                    }
                    return true;
                }
                if (field.equalsIgnoreCase("NumPDBViolations") && v != JsonToken.VALUE_NULL) {
                    if (v != JsonToken.VALUE_NUMBER_INT) {
                        throw new BadRequestException(where + ".NumPDBViolations: expected an integer, found " + describe(v));
                    }
                    pdb[0] = p.getLongValue();
                    return true;
                }
                return false;
            });
            out.add(new PreemptionArgs.NodeVictims(node, uids, pdb[0]));
            return true;
        });
        return out;
    }

    private static String readMetaPodUid(JsonParser p, String where) {
        String[] uid = new String[1];
        forEachField(p, (field, v) -> {
            if (field.equalsIgnoreCase("UID")) {
                uid[0] = string(p, v, where + ".UID");
                return true;
            }
            return false;
        });
        return uid[0];
    }

    private static String readPodUid(JsonParser p, String where) {
        String[] uid = new String[1];
        forEachField(p, (field, v) -> field.equals("metadata") && v == JsonToken.START_OBJECT && readUid(p, where, uid));
        return uid[0];
    }

    private static boolean readUid(JsonParser p, String where, String[] uid) {
        forEachField(p, (m, mv) -> {
            if (m.equals("uid")) {
                uid[0] = string(p, mv, where + ".metadata.uid");
                return true;
            }
            return false;
        });
        return true;
    }
}
