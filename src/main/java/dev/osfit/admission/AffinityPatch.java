package dev.osfit.admission;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSONPatch (RFC 6902) that writes a {@link HintPlanner.Hint} into a pod, merged with the pod's
 * own required node affinity: the pod's terms are ORed, the hint's terms are ORed, and the pod must
 * satisfy both, so every pod term is combined with every hint term (requirements of a term are
 * ANDed). The result admits a node only if the pod already admitted it: nothing is ever widened (a
 * pod term that matches no node is kept as it is, and a pod whose required affinity is invalid is not
 * patched at all: {@link #invalidRequired}).
 */
final class AffinityPatch {

    static final String ANNOTATION = "osfit.dev/placement";
    private static final String REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution";

    private final JsonMapper json;

    AffinityPatch(JsonMapper json) {
        this.json = json;
    }

    /** How many terms the pod would have: each of its own terms (at least one, the whole) times the hint's. */
    static int mergedTermCount(JsonNode pod, HintPlanner.Hint hint) {
        List<JsonNode> own = existingTerms(pod);
        if (own.isEmpty()) {
            return hint.terms().size();
        }
        int count = 0;
        for (JsonNode term : own) {
            count += matchesNothing(term) ? 1 : hint.terms().size();
        }
        return count;
    }

    /**
     * Why the pod's required node affinity cannot be narrowed, or null when it can (or there is none): the
     * API server rejects a pod whose required node affinity has no terms or a term that is not an object,
     * and osfit must not turn such a pod into a valid one.
     */
    static String invalidRequired(JsonNode pod) {
        JsonNode nodeAffinity = pod.path("spec").path("affinity").path("nodeAffinity");
        if (!nodeAffinity.has(REQUIRED) || nodeAffinity.get(REQUIRED).isNull()) {
            return null;
        }
        JsonNode terms = nodeAffinity.get(REQUIRED).path("nodeSelectorTerms");
        if (!terms.isArray() || terms.isEmpty()) {
            return "the pod's required node affinity has no nodeSelectorTerms (the API server rejects it)";
        }
        for (JsonNode term : terms) {
            if (!term.isObject()) {
                return "a nodeSelectorTerm of the pod is not an object (the API server rejects it)";
            }
        }
        return null;
    }

    /** A term with no expressions and no fields: component-helpers' nodeaffinity matches no node with it. */
    private static boolean matchesNothing(JsonNode term) {
        return term.path("matchExpressions").isEmpty() && term.path("matchFields").isEmpty();
    }

    static boolean hasRequiredTerms(JsonNode pod) {
        return !existingTerms(pod).isEmpty();
    }

    /** The operations that add the hint and the annotation. */
    ArrayNode hint(JsonNode pod, HintPlanner.Hint hint, String annotation) {
        ArrayNode ops = json.createArrayNode();
        ArrayNode merged = json.createArrayNode();
        List<JsonNode> existing = existingTerms(pod);
        if (existing.isEmpty()) {
            hint.terms().forEach(t -> merged.add(term(json.createObjectNode(), t)));
        } else {
            for (JsonNode own : existing) {
                if (matchesNothing(own)) {
                    // An empty term admits no node; adding requirements to it would make it admit some.
                    merged.add(own.deepCopy());
                    continue;
                }
                for (HintPlanner.Term t : hint.terms()) {
                    merged.add(term(own.deepCopy(), t));
                }
            }
        }
        JsonNode affinity = pod.path("spec").path("affinity");
        JsonNode nodeAffinity = affinity.path("nodeAffinity");
        JsonNode required = nodeAffinity.path(REQUIRED);
        if (!affinity.isObject()) {
            ObjectNode value = json.createObjectNode();
            value.putObject("nodeAffinity").putObject(REQUIRED).set("nodeSelectorTerms", merged);
            ops.add(op("add", "/spec/affinity", value));
        } else if (!nodeAffinity.isObject()) {
            ObjectNode value = json.createObjectNode();
            value.putObject(REQUIRED).set("nodeSelectorTerms", merged);
            ops.add(op("add", "/spec/affinity/nodeAffinity", value));
        } else if (!required.isObject()) {
            ObjectNode value = json.createObjectNode();
            value.set("nodeSelectorTerms", merged);
            ops.add(op("add", "/spec/affinity/nodeAffinity/" + REQUIRED, value));
        } else {
            // add replaces an existing member (RFC 6902 4.1), and also works where the field is absent.
            ops.add(op("add", "/spec/affinity/nodeAffinity/" + REQUIRED + "/nodeSelectorTerms", merged));
        }
        annotate(ops, pod, annotation);
        return ops;
    }

    /** The operation that only records why the pod was left unchanged. */
    ArrayNode unchanged(JsonNode pod, String annotation) {
        ArrayNode ops = json.createArrayNode();
        annotate(ops, pod, annotation);
        return ops;
    }

    private void annotate(ArrayNode ops, JsonNode pod, String text) {
        if (pod.path("metadata").path("annotations").isObject()) {
            ops.add(op("add", "/metadata/annotations/" + ANNOTATION.replace("~", "~0").replace("/", "~1"), json.getNodeFactory().stringNode(text)));
        } else {
            ObjectNode value = json.createObjectNode();
            value.put(ANNOTATION, text);
            ops.add(op("add", "/metadata/annotations", value));
        }
    }

    private ObjectNode op(String op, String path, JsonNode value) {
        ObjectNode o = json.createObjectNode();
        o.put("op", op);
        o.put("path", path);
        o.set("value", value);
        return o;
    }

    /** {@code base} with the hint's requirements appended to its matchExpressions. */
    private ObjectNode term(JsonNode base, HintPlanner.Term t) {
        ObjectNode term = (ObjectNode) base;
        ArrayNode expressions = term.path("matchExpressions").isArray()
                ? (ArrayNode) term.get("matchExpressions") : term.putArray("matchExpressions");
        for (HintPlanner.Requirement r : t.requirements()) {
            ObjectNode e = expressions.addObject();
            e.put("key", r.key());
            e.put("operator", r.operator());
            if (!r.values().isEmpty()) {
                ArrayNode values = e.putArray("values");
                r.values().forEach(values::add);
            }
        }
        return term;
    }

    private static List<JsonNode> existingTerms(JsonNode pod) {
        JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity").path(REQUIRED).path("nodeSelectorTerms");
        List<JsonNode> out = new ArrayList<>();
        if (terms.isArray()) {
            terms.forEach(out::add);
        }
        return out;
    }
}
