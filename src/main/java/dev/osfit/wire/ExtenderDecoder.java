package dev.osfit.wire;

import dev.osfit.match.PodFacts;
import dev.osfit.node.NodePlatform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads kube-scheduler's extender requests. Top-level keys are Go field names, matched
 * case-insensitively as Go's encoding/json does; nested objects are Kubernetes JSON.
 *
 * <p>Cost: a full NodeList is megabytes, nearly all of it managedFields and status.images. Nodes are
 * read with the streaming parser, keeping only name, platform labels and nodeInfo, and the byte range
 * of each node object; everything else is skipped without building strings. The pod (a few KB) is
 * bound to narrow records. Thread-safe.
 */
public final class ExtenderDecoder {

    /** Deeper than any real pod or node; bounds the parser's stack on hostile input. */
    static final int MAX_NESTING_DEPTH = 200;

    private final JsonMapper mapper;

    public ExtenderDecoder() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
                // The pod is bound in the middle of the request stream; what follows it is read here.
                .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, false)
                // An image given as a number or a boolean is a wrong type, not a string.
                .withCoercionConfig(LogicalType.Textual, c -> {
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                    c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                    c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
                })
                .withCoercionConfig(LogicalType.Boolean, c -> {
                    c.setCoercion(CoercionInputShape.String, CoercionAction.Fail);
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                })
                .build();
    }

    /** Decodes ExtenderArgs ({@code Pod}, {@code Nodes}, {@code NodeNames}). */
    public ExtenderArgs decodeArgs(byte[] body) {
        try (JsonParser p = open(body)) {
            PodFacts pod = null;
            RequestNodes nodes = null;
            RequestNodes names = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equalsIgnoreCase("Pod")) {
                    pod = readPod(p, value);
                } else if (key.equalsIgnoreCase("Nodes")) {
                    nodes = value == JsonToken.VALUE_NULL ? null : readNodeList(p, value, body);
                } else if (key.equalsIgnoreCase("NodeNames")) {
                    names = value == JsonToken.VALUE_NULL ? null : readNames(p, value);
                } else {
                    p.skipChildren();
                }
            }
            end(p);
            if (pod == null) {
                throw new BadRequestException("Pod is missing or null");
            }
            if (nodes == null && names == null) {
                throw new BadRequestException("Nodes and NodeNames are both null: one must list the candidate nodes");
            }
            return new ExtenderArgs(pod, nodes != null ? nodes : names);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /** Decodes ExtenderPreemptionArgs ({@code Pod}, {@code NodeNameToVictims}, {@code NodeNameToMetaVictims}). */
    public PreemptionArgs decodePreemption(byte[] body) {
        try (JsonParser p = open(body)) {
            PodFacts pod = null;
            List<PreemptionArgs.NodeVictims> victims = null;
            List<PreemptionArgs.NodeVictims> metaVictims = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equalsIgnoreCase("Pod")) {
                    pod = readPod(p, value);
                } else if (key.equalsIgnoreCase("NodeNameToVictims")) {
                    victims = value == JsonToken.VALUE_NULL ? null : readVictims(p, value, key, false);
                } else if (key.equalsIgnoreCase("NodeNameToMetaVictims")) {
                    metaVictims = value == JsonToken.VALUE_NULL ? null : readVictims(p, value, key, true);
                } else {
                    p.skipChildren();
                }
            }
            end(p);
            if (pod == null) {
                throw new BadRequestException("Pod is missing or null");
            }
            if (victims == null && metaVictims == null) {
                throw new BadRequestException("NodeNameToVictims and NodeNameToMetaVictims are both null: one must list the candidates");
            }
            return new PreemptionArgs(pod, metaVictims != null ? metaVictims : victims);
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    private JsonParser open(byte[] body) {
        if (body == null || body.length == 0) {
            throw new BadRequestException("empty request body: expected a JSON object");
        }
        JsonParser p = mapper.createParser(body);
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
            p.close();
            throw new BadRequestException("request body must be a JSON object, found " + describe(first));
        }
        return p;
    }

    /** After the top-level object: nothing but whitespace may follow. */
    private static void end(JsonParser p) {
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new BadRequestException("expected a property name at the top level, found " + describe(p.currentToken()));
        }
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw new BadRequestException("unexpected content after the top-level object: " + describe(trailing));
        }
    }

    private PodFacts readPod(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, value, JsonToken.START_OBJECT, "Pod");
        try {
            return mapper.readValue(p, PodJson.class).toFacts();
        } catch (JacksonException e) {
            if (e.getPath().isEmpty()) {
                throw e;
            }
            throw new BadRequestException("Pod" + path(e) + ": " + firstLine(e.getOriginalMessage()));
        }
    }

    private static RequestNodes readNames(JsonParser p, JsonToken value) {
        expect(p, value, JsonToken.START_ARRAY, "NodeNames");
        String[] names = new String[64];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw new BadRequestException("NodeNames[" + n + "]: expected a node name string, found " + describe(t));
            }
            if (n == names.length) {
                names = Arrays.copyOf(names, n * 2);
            }
            names[n++] = p.getString();
        }
        return RequestNodes.names(names, n);
    }

    private static RequestNodes readNodeList(JsonParser p, JsonToken value, byte[] body) {
        expect(p, value, JsonToken.START_OBJECT, "Nodes");
        RequestNodes nodes = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (key.equals("items") && t != JsonToken.VALUE_NULL) {
                nodes = readItems(p, t, body);
            } else {
                p.skipChildren();
            }
        }
        return nodes != null ? nodes : RequestNodes.full(body, 0, new String[0], new NodePlatform[0], new int[0], new int[0]);
    }

    private static RequestNodes readItems(JsonParser p, JsonToken value, byte[] body) {
        expect(p, value, JsonToken.START_ARRAY, "Nodes.items");
        int capacity = 64;
        String[] names = new String[capacity];
        NodePlatform[] platforms = new NodePlatform[capacity];
        int[] starts = new int[capacity];
        int[] ends = new int[capacity];
        int n = 0;
        NodeFields fields = new NodeFields();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(p, t, JsonToken.START_OBJECT, "Nodes.items[" + n + "]");
            if (n == capacity) {
                capacity *= 2;
                names = Arrays.copyOf(names, capacity);
                platforms = Arrays.copyOf(platforms, capacity);
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
            }
            starts[n] = (int) p.currentTokenLocation().getByteOffset();
            fields.read(p, "Nodes.items", n);
            ends[n] = (int) p.currentTokenLocation().getByteOffset() + 1;
            if (fields.name == null) {
                throw new BadRequestException("Nodes.items[" + n + "].metadata.name is missing");
            }
            names[n] = fields.name;
            platforms[n] = fields.platform();
            n++;
        }
        return RequestNodes.full(body, n, names, platforms, starts, ends);
    }

    private static List<PreemptionArgs.NodeVictims> readVictims(JsonParser p, JsonToken value, String key, boolean meta) {
        expect(p, value, JsonToken.START_OBJECT, key);
        List<PreemptionArgs.NodeVictims> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String node = p.currentName();
            JsonToken t = p.nextToken();
            String where = key + "[" + node + "]";
            if (t == JsonToken.VALUE_NULL) {
                out.add(new PreemptionArgs.NodeVictims(node, List.of(), 0));
                continue;
            }
            expect(p, t, JsonToken.START_OBJECT, where);
            List<String> uids = new ArrayList<>();
            long pdb = 0;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equalsIgnoreCase("Pods") && v != JsonToken.VALUE_NULL) {
                    expect(p, v, JsonToken.START_ARRAY, where + ".Pods");
                    JsonToken pod;
                    while ((pod = p.nextToken()) != JsonToken.END_ARRAY) {
                        String podWhere = where + ".Pods[" + uids.size() + "]";
                        expect(p, pod, JsonToken.START_OBJECT, podWhere);
                        String uid = meta ? readMetaPodUid(p, podWhere) : readPodUid(p, podWhere);
                        if (uid == null) {
                            throw new BadRequestException(podWhere + (meta ? ".UID" : ".metadata.uid") + " is missing");
                        }
                        uids.add(uid);
                    }
                } else if (field.equalsIgnoreCase("NumPDBViolations") && v != JsonToken.VALUE_NULL) {
                    if (v != JsonToken.VALUE_NUMBER_INT) {
                        throw new BadRequestException(where + ".NumPDBViolations: expected an integer, found " + describe(v));
                    }
                    pdb = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
            out.add(new PreemptionArgs.NodeVictims(node, uids, pdb));
        }
        return out;
    }

    private static String readMetaPodUid(JsonParser p, String where) {
        String uid = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equalsIgnoreCase("UID")) {
                uid = string(p, v, where + ".UID");
            } else {
                p.skipChildren();
            }
        }
        return uid;
    }

    private static String readPodUid(JsonParser p, String where) {
        String uid = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("metadata") && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String m = p.currentName();
                    JsonToken mv = p.nextToken();
                    if (m.equals("uid")) {
                        uid = string(p, mv, where + ".metadata.uid");
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return uid;
    }

    private static String string(JsonParser p, JsonToken t, String where) {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new BadRequestException(where + ": expected a string, found " + describe(t));
        }
        return p.getString();
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String where) {
        if (actual != expected) {
            throw new BadRequestException(where + ": expected " + describe(expected) + ", found " + describe(actual));
        }
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case END_OBJECT -> "the end of an object";
            case END_ARRAY -> "the end of an array";
            case PROPERTY_NAME -> "a property name";
            default -> t.name();
        };
    }

    private static BadRequestException malformed(JacksonException e) {
        StringBuilder b = new StringBuilder("malformed JSON");
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            b.append(" at line ").append(e.getLocation().getLineNr()).append(", column ").append(e.getLocation().getColumnNr());
        }
        return new BadRequestException(b.append(": ").append(firstLine(e.getOriginalMessage())).toString());
    }

    private static String path(JacksonException e) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                b.append('.').append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
