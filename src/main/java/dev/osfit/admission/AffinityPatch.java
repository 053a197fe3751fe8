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
 * ANDed). The result admits a node only if the pod already admitted it: nothing is ever widened.
 */
final class AffinityPatch {

    static final String ANNOTATION = "osfit.dev/placement";
    private static final String REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution";

    private final JsonMapper json;

    AffinityPatch(JsonMapper json) {
        this.json = json;
    }

    /** How many terms the pod would have: its own terms (at least one, the whole) times the hint's. */
    static int mergedTermCount(JsonNode pod, HintPlanner.Hint hint) {
        return Math.max(1, existingTerms(pod).size()) * hint.terms().size();
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
