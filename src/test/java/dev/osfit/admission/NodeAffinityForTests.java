package dev.osfit.admission;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Whether a node's labels meet a pod's nodeSelector and required node affinity, by the rules of
 * component-helpers' nodeaffinity (terms ORed, expressions in a term ANDed; a term with no
 * expressions matches nothing). Operators In, NotIn, Exists, DoesNotExist.
 */
final class NodeAffinityForTests {

    private NodeAffinityForTests() {
    }

    static boolean requiredMatches(JsonNode pod, Map<String, String> labels) {
        JsonNode selector = pod.path("spec").path("nodeSelector");
        if (selector.isObject()) {
            for (var e : selector.properties()) {
                if (!e.getValue().asString().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
        if (!terms.isArray()) {
            return true;
        }
        for (JsonNode term : terms) {
            if (termMatches(term, labels)) {
                return true;
            }
        }
        return false;
    }

    private static boolean termMatches(JsonNode term, Map<String, String> labels) {
        JsonNode expressions = term.path("matchExpressions");
        if (!expressions.isArray() || expressions.isEmpty()) {
            return false;
        }
        for (JsonNode e : expressions) {
            String value = labels.get(e.get("key").asString());
            List<String> values = new ArrayList<>();
            e.path("values").forEach(v -> values.add(v.asString()));
            boolean ok = switch (e.get("operator").asString()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("operator " + e.get("operator"));
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
