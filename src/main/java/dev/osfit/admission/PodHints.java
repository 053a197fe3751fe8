package dev.osfit.admission;

import dev.osfit.config.OsfitProperties;
import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.PodRequirements;
import dev.osfit.match.Scoring;
import dev.osfit.node.NodeCatalog;
import dev.osfit.kube.PodReader;
import java.util.List;
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

    /** The longest admission warning osfit sends: the API server may truncate longer ones (256 characters). */
    static final int MAX_WARNING = 250;

    /**
     * A patch to apply (null: none), a word for the metrics and logs, why, and a warning for the pod's
     * author (null: none), which {@code kubectl} prints.
     */
    record Decision(ArrayNode patch, Outcome outcome, String reason, String warning) {

        Decision(ArrayNode patch, Outcome outcome, String reason) {
            this(patch, outcome, reason, null);
        }
    }

    private final PodCompiler compiler;
    private final Scoring scoring;
    private final OsfitProperties.AdmissionProperties properties;
    private final Set<String> certain;
    private final JsonMapper json;
    private final AffinityPatch patches;

    PodHints(PodCompiler compiler, Scoring scoring, OsfitProperties.AdmissionProperties properties, JsonMapper json) {
        this.compiler = compiler;
        this.scoring = scoring;
        this.properties = properties;
        this.certain = Set.copyOf(properties.certainSources());
        this.json = json;
        this.patches = new AffinityPatch(json);
    }

    /** A pod given as a JSON tree (the gate controller's), read as osfit's extender reads it, so both decide alike. */
    static PodFacts facts(JsonNode pod) {
        return PodReader.fromTree(pod);
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
        String invalid = AffinityPatch.invalidRequired(pod);
        if (invalid != null) {
            return unchanged(pod, invalid, gated);
        }
        HintPlanner.Plan plan = HintPlanner.plan(new Matcher(requirements, scoring), catalog.platforms(), certain);
        if (plan instanceof HintPlanner.Block block) {
            // Admitted, but held Pending with the reason shown, rather than placed where it cannot start.
            ArrayNode ops = gated ? ungate(pod) : json.createArrayNode();
            ops.addAll(patches.hint(pod, new HintPlanner.Hint(List.of(HintPlanner.NO_NODE_TERM), "none", 0), "blocked: " + block.reason()));
            return new Decision(ops, Outcome.BLOCKED, block.reason(), warning("no node can run this pod: " + block.reason()));
        }
        if (plan instanceof HintPlanner.Unchanged u) {
            Decision d = unchanged(pod, u.reason(), gated);
            if (HintPlanner.NO_NODE.equals(u.reason())) {
                return new Decision(d.patch(), d.outcome(), d.reason(), warning(HintPlanner.NO_NODE + " {" + images(requirements) + "}"));
            }
            return d;
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
        return new Decision(ops, Outcome.HINTED, hint.summary());
    }

    /** "osfit: " and the text, cut to {@link #MAX_WARNING} characters. */
    static String warning(String text) {
        String w = "osfit: " + text;
        return w.length() <= MAX_WARNING ? w : w.substring(0, MAX_WARNING - 3) + "...";
    }

    private static String images(PodRequirements requirements) {
        StringBuilder b = new StringBuilder();
        for (PodRequirements.ImageNeed need : requirements.known()) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(need.image()).append(": ").append(need.platforms().stream().map(Object::toString).distinct()
                    .collect(java.util.stream.Collectors.joining(", ")));
            if (b.length() > MAX_WARNING) {
                break;
            }
        }
        return b.toString();
    }

    Decision unchanged(JsonNode pod, String reason, boolean gated) {
        ArrayNode ops = gated ? ungate(pod) : json.createArrayNode();
        ops.addAll(patches.unchanged(pod, "unchanged: " + reason));
        return new Decision(ops, Outcome.UNCHANGED, reason);
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
        return new Decision(ops, Outcome.GATED, reason);
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
