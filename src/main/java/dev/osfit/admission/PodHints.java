package dev.osfit.admission;

import dev.osfit.config.OsfitProperties;
import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.PodRequirements;
import dev.osfit.match.Scoring;
import dev.osfit.node.NodeCatalog;
import dev.osfit.wire.ExtenderDecoder;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** What the webhook and the gate controller share: a pod's requirements, and the patch that follows from them. */
final class PodHints {

    static final String GATE = "osfit.dev/resolving";
    static final String TOO_MANY_TERMS = "the pod would need %d node selector terms (osfit.admission.max-terms is %d)";

    /** A patch to apply (null: none), a word for the metrics and logs, and why. */
    record Decision(ArrayNode patch, String outcome, String reason) {
    }

    private final ExtenderDecoder decoder;
    private final PodCompiler compiler;
    private final Scoring scoring;
    private final OsfitProperties.AdmissionProperties properties;
    private final Set<String> certain;
    private final JsonMapper json;
    private final AffinityPatch patches;

    PodHints(ExtenderDecoder decoder, PodCompiler compiler, Scoring scoring, OsfitProperties.AdmissionProperties properties, JsonMapper json) {
        this.decoder = decoder;
        this.compiler = compiler;
        this.scoring = scoring;
        this.properties = properties;
        this.certain = Set.copyOf(properties.certainSources());
        this.json = json;
        this.patches = new AffinityPatch(json);
    }

    /** The pod as osfit's extender reads it (the same decoder, so both decide alike). */
    PodFacts facts(JsonNode pod) {
        ObjectNode args = json.createObjectNode();
        args.set("Pod", pod);
        args.putArray("NodeNames");
        return decoder.decodeArgs(json.writeValueAsBytes(args)).pod();
    }

    CompletableFuture<PodRequirements> compile(PodFacts pod) {
        return compiler.compile(pod).toCompletableFuture();
    }

    /** Whether a lookup for one of the pod's images is still under way. */
    boolean pending(PodFacts pod) {
        return compiler.pending(pod);
    }

    /**
     * The hint for the pod, or why there is none. {@code gated}: the pod is held by osfit's gate, whose
     * removal comes first; the API server then only lets required node affinity be set where there was
     * none, or narrowed term by term (so a hint of several terms cannot join existing terms).
     */
    Decision decide(JsonNode pod, PodRequirements requirements, NodeCatalog catalog, boolean gated) {
        HintPlanner.Plan plan = HintPlanner.plan(new Matcher(requirements, scoring), catalog.platforms(), certain);
        if (plan instanceof HintPlanner.Unchanged u) {
            return unchanged(pod, u.reason(), gated);
        }
        HintPlanner.Hint hint = (HintPlanner.Hint) plan;
        int terms = AffinityPatch.mergedTermCount(pod, hint);
        if (terms > properties.maxTerms()) {
            return unchanged(pod, String.format(TOO_MANY_TERMS, terms, properties.maxTerms()), gated);
        }
        if (gated && AffinityPatch.hasRequiredTerms(pod) && hint.terms().size() > 1) {
            return unchanged(pod, "a gated pod's node affinity terms can only be narrowed by a one-term hint, this one has "
                    + hint.terms().size(), true);
        }
        String text = "hinted: " + hint.summary() + (hint.unlabelled() > 0 ? " (" + hint.unlabelled() + " unlabelled nodes left out)" : "");
        ArrayNode ops = gated ? ungate(pod) : json.createArrayNode();
        ops.addAll(patches.hint(pod, hint, text));
        return new Decision(ops, "hinted", hint.summary());
    }

    Decision unchanged(JsonNode pod, String reason, boolean gated) {
        ArrayNode ops = gated ? ungate(pod) : json.createArrayNode();
        ops.addAll(patches.unchanged(pod, "unchanged: " + reason));
        return new Decision(ops, "unchanged", reason);
    }

    /** Hold the pod with osfit's scheduling gate while its images are looked up. */
    Decision gate(JsonNode pod, String reason) {
        ArrayNode ops = json.createArrayNode();
        ObjectNode gate = json.createObjectNode().put("name", GATE);
        ObjectNode add = ops.addObject().put("op", "add");
        if (pod.path("spec").path("schedulingGates").isArray()) {
            add.put("path", "/spec/schedulingGates/-").set("value", gate);
        } else {
            add.put("path", "/spec/schedulingGates").putArray("value").add(gate);
        }
        ops.addAll(patches.unchanged(pod, "gated: " + reason));
        return new Decision(ops, "gated", reason);
    }

    /** Whether the pod carries osfit's gate. */
    static int gateIndex(JsonNode pod) {
        JsonNode gates = pod.path("spec").path("schedulingGates");
        for (int i = 0; i < gates.size(); i++) {
            if (GATE.equals(gates.get(i).path("name").asString(""))) {
                return i;
            }
        }
        return -1;
    }

    /** Removes osfit's gate; the test makes the patch fail rather than remove another gate if the list changed. */
    private ArrayNode ungate(JsonNode pod) {
        ArrayNode ops = json.createArrayNode();
        int i = gateIndex(pod);
        if (i >= 0) {
            ops.addObject().put("op", "test").put("path", "/spec/schedulingGates/" + i + "/name").put("value", GATE);
            ops.addObject().put("op", "remove").put("path", "/spec/schedulingGates/" + i);
        }
        return ops;
    }
}
