package dev.osfit.admission;

import static dev.osfit.kube.JsonFields.forEachField;

import dev.osfit.kube.BadRequestException;
import dev.osfit.kube.PodReader;
import dev.osfit.match.PodFacts;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the webhook reads from an AdmissionReview (admission.k8s.io/v1), in one streaming pass over its
 * bytes: the request's identity and, of the pod, only what a hint is decided and written from.
 *
 * <p>Why not a JSON tree of the whole review: a pod's JSON is mostly what a hint never reads (env, probes,
 * volumes, resources), and building every node of it, then binding the pod's facts from that tree, was
 * the largest part of the webhook's own CPU per review. Here the pod is passed over once to find its
 * bounds and keep a small tree of what the patch is written against ({@link #pod}: the opt-out
 * annotation, whether annotations exist, {@code spec.nodeName}, {@code spec.affinity},
 * {@code spec.schedulingGates}); its facts are then bound from its bytes by {@link PodReader}, as the
 * extender binds a pod, skipping what osfit does not read.
 *
 * @param apiVersion the review's apiVersion, "" if absent or not a string
 * @param uid        request.uid, "" if absent or not a string
 * @param pod        the small tree of request.object, or null when request.object is not an object
 */
record Review(String apiVersion, String uid, String operation, String kind, String subResource, String namespace,
              String name, ObjectNode pod, byte[] body, int podStart, int podLength) {

    /** The pod's facts, bound from its bytes inside the review. */
    PodFacts facts() {
        return PodReader.fromBytes(body, podStart, podLength);
    }

    /** The review in {@code body}; malformed JSON throws the parser's exception. */
    static Review read(byte[] body) {
        try (JsonParser p = PodReader.parser(body)) {
            Reading r = new Reading(body);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return r.review();
            }
            // A reader that returns false has its value skipped (a no-op for a scalar it has already read).
            forEachField(p, (field, value) -> {
                if ("apiVersion".equals(field)) {
                    r.apiVersion = text(p, value);
                } else if ("request".equals(field) && value == JsonToken.START_OBJECT) {
                    request(p, r);
                    return true;
                }
                return false;
            });
            // Nothing may follow the review (the tree reader refused trailing content too).
            if (p.nextToken() != null) {
                throw new BadRequestException("not JSON: content after the AdmissionReview");
            }
            return r.review();
        }
    }

    private static void request(JsonParser p, Reading r) {
        forEachField(p, (field, value) -> {
            switch (field) {
                case "uid" -> r.uid = text(p, value);
                case "operation" -> r.operation = text(p, value);
                case "subResource" -> r.subResource = text(p, value);
                case "namespace" -> r.namespace = text(p, value);
                case "name" -> r.name = text(p, value);
                case "kind" -> {
                    // request.kind.kind ("Pod")
                    r.kind = "";
                    if (value == JsonToken.START_OBJECT) {
                        forEachField(p, (k, v) -> {
                            if ("kind".equals(k)) {
                                r.kind = text(p, v);
                            }
                            return false;
                        });
                        return true;
                    }
                }
                case "object" -> {
                    r.pod = null;
                    if (value == JsonToken.START_OBJECT) {
                        pod(p, r);
                        return true;
                    }
                }
                default -> {
                }
            }
            return false;
        });
    }

    private static void pod(JsonParser p, Reading r) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        ObjectNode pod = JsonNodeFactory.instance.objectNode();
        forEachField(p, (field, value) -> {
            if (value != JsonToken.START_OBJECT) {
                return false;
            }
            if ("metadata".equals(field)) {
                pod.set("metadata", metadata(p));
                return true;
            }
            if ("spec".equals(field)) {
                pod.set("spec", spec(p));
                return true;
            }
            return false;
        });
        // The parser is on the pod's END_OBJECT, one byte.
        r.pod = pod;
        r.podStart = start;
        r.podLength = (int) p.currentTokenLocation().getByteOffset() + 1 - start;
    }

    private static ObjectNode metadata(JsonParser p) {
        ObjectNode metadata = JsonNodeFactory.instance.objectNode();
        forEachField(p, (field, value) -> {
            if ("name".equals(field) && value == JsonToken.VALUE_STRING) {
                metadata.put("name", p.getString());
            } else if ("annotations".equals(field) && value == JsonToken.START_OBJECT) {
                // Whether annotations exist decides how the patch adds osfit's; of their values only the opt-out is read.
                ObjectNode annotations = metadata.putObject("annotations");
                forEachField(p, (key, v) -> {
                    if (AdmissionHandler.OPT_OUT.equals(key) && v == JsonToken.VALUE_STRING) {
                        annotations.put(key, p.getString());
                    }
                    return false;
                });
                return true;
            }
            return false;
        });
        return metadata;
    }

    private static ObjectNode spec(JsonParser p) {
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        forEachField(p, (field, value) -> {
            if ("nodeName".equals(field) && value == JsonToken.VALUE_STRING) {
                spec.put("nodeName", p.getString());
            } else if ("affinity".equals(field) || "schedulingGates".equals(field)) {
                // Kept whole: the patch merges the pod's own terms (bounded by the review's size, as the tree was).
                spec.set(field, p.readValueAsTree());
                return true;
            }
            return false;
        });
        return spec;
    }

    /** A string value, or "" for any other (the caller's reader skips it). */
    private static String text(JsonParser p, JsonToken value) {
        return value == JsonToken.VALUE_STRING ? p.getString() : "";
    }

    /** The fields as they are found, in any order; a repeated one keeps its last value, as a JSON tree would. */
    private static final class Reading {
        final byte[] body;
        String apiVersion = "";
        String uid = "";
        String operation = "";
        String kind = "";
        String subResource = "";
        String namespace = "";
        String name = "";
        ObjectNode pod;
        int podStart;
        int podLength;

        Reading(byte[] body) {
            this.body = body;
        }

        Review review() {
            return new Review(apiVersion, uid, operation, kind, subResource, namespace, name, pod, body, podStart, podLength);
        }
    }

    /** The pod's name for logs: metadata.name, else request.name. */
    String podName() {
        JsonNode n = pod == null ? null : pod.path("metadata").get("name");
        return n != null ? n.asString() : name;
    }
}
