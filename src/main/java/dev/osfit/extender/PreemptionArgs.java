package dev.osfit.extender;

import dev.osfit.match.PodFacts;
import java.util.List;

/**
 * The preempt request (ExtenderPreemptionArgs): the pod and, per candidate node, the UIDs of the
 * victims kube-scheduler would evict there, from NodeNameToVictims or NodeNameToMetaVictims.
 */
record PreemptionArgs(PodFacts pod, List<NodeVictims> candidates) {

    public record NodeVictims(String node, List<String> victimUids, long numPDBViolations) {

        public NodeVictims {
            victimUids = List.copyOf(victimUids);
        }
    }
}
