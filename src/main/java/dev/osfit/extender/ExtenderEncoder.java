package dev.osfit.extender;

import dev.osfit.match.Matcher;
import dev.osfit.match.Verdict;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes kube-scheduler's extender answers with the Go field names as keys. Answers come back in the
 * form they were asked: names for NodeNames requests, node objects (the request's own bytes) for
 * Nodes requests. Every input node lands in exactly one of the result, FailedNodes or
 * FailedAndUnresolvableNodes.
 */
final class ExtenderEncoder {

    private ExtenderEncoder() {
    }

    /** ExtenderFilterResult. */
    static byte[] filter(RequestNodes nodes, Matcher matcher) {
        JsonOut out = new JsonOut(nodes.full() ? estimateFullSize(nodes) : 32 * nodes.size() + 128);
        boolean full = nodes.full();
        out.raw(full ? "{\"Nodes\":{\"metadata\":{},\"items\":[" : "{\"Nodes\":null,\"NodeNames\":[");
        boolean first = true;
        for (int i = 0; i < nodes.size(); i++) {
            if (matcher.verdict(nodes.platform(i)).passes()) {
                if (!first) {
                    out.raw(',');
                }
                first = false;
                if (full) {
                    nodes.writeNode(out, i);
                } else {
                    nodes.writeName(out, i);
                }
            }
        }
        out.raw(full ? "]},\"NodeNames\":null" : "]");
        out.raw(",\"FailedNodes\":");
        failures(out, nodes, matcher, Verdict.Outcome.FAIL);
        out.raw(",\"FailedAndUnresolvableNodes\":");
        failures(out, nodes, matcher, Verdict.Outcome.UNRESOLVABLE);
        out.raw(",\"Error\":\"\"}");
        return out.toByteArray();
    }

    private static void failures(JsonOut out, RequestNodes nodes, Matcher matcher, Verdict.Outcome outcome) {
        out.raw('{');
        boolean first = true;
        // A cluster has a handful of distinct verdicts: escape each reason once, then copy its bytes.
        Map<Verdict, byte[]> encoded = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Verdict v = matcher.verdict(nodes.platform(i));
            if (v.outcome() == outcome) {
                if (!first) {
                    out.raw(',');
                }
                first = false;
                byte[] reason = encoded.computeIfAbsent(v, verdict -> new JsonOut(verdict.reason().length() + 8).string(verdict.reason()).toByteArray());
                nodes.writeName(out, i);
                out.raw(':').raw(reason, 0, reason.length);
            }
        }
        out.raw('}');
    }

    private static int estimateFullSize(RequestNodes nodes) {
        return nodes.size() == 0 ? 256 : 1024 + nodes.size() * 96 + (int) Math.min(Integer.MAX_VALUE / 2, approxNodeBytes(nodes));
    }

    private static long approxNodeBytes(RequestNodes nodes) {
        long sum = 0;
        for (int i = 0; i < nodes.size(); i++) {
            sum += nodes.nodeLength(i);
        }
        return sum;
    }

    /** HostPriorityList: every input node with its score (nodes the pod cannot run on score 0), or none when all score alike. */
    static byte[] prioritize(RequestNodes nodes, Matcher matcher) {
        if (uniform(nodes, matcher)) {
            // kube-scheduler adds an extender's score to each node's total and normalises nothing across
            // nodes: one score for every node changes no ranking, and an empty list says so in 2 bytes
            // instead of 30 KB for kube-scheduler to parse at 1000 nodes.
            return EMPTY_LIST.clone();
        }
        JsonOut out = new JsonOut(48 * nodes.size() + 2);
        out.raw('[');
        for (int i = 0; i < nodes.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            out.raw("{\"Host\":");
            nodes.writeName(out, i);
            out.raw(",\"Score\":").number(matcher.verdict(nodes.platform(i)).score()).raw('}');
        }
        return out.raw(']').toByteArray();
    }

    private static final byte[] EMPTY_LIST = {'[', ']'};

    private static boolean uniform(RequestNodes nodes, Matcher matcher) {
        int first = nodes.size() == 0 ? 0 : matcher.verdict(nodes.platform(0)).score();
        for (int i = 1; i < nodes.size(); i++) {
            if (matcher.verdict(nodes.platform(i)).score() != first) {
                return false;
            }
        }
        return true;
    }

    /** ExtenderPreemptionResult: the candidates kept, always in NodeNameToMetaVictims form (the only one kube-scheduler reads). */
    static byte[] preempt(List<PreemptionArgs.NodeVictims> kept) {
        JsonOut out = new JsonOut(128 * kept.size() + 64);
        out.raw("{\"NodeNameToMetaVictims\":{");
        for (int i = 0; i < kept.size(); i++) {
            PreemptionArgs.NodeVictims node = kept.get(i);
            if (i > 0) {
                out.raw(',');
            }
            out.string(node.node()).raw(":{\"Pods\":[");
            for (int j = 0; j < node.victimUids().size(); j++) {
                if (j > 0) {
                    out.raw(',');
                }
                out.raw("{\"UID\":").string(node.victimUids().get(j)).raw('}');
            }
            out.raw("],\"NumPDBViolations\":").number(node.numPDBViolations()).raw('}');
        }
        return out.raw("}}").toByteArray();
    }

    /** An ExtenderFilterResult that fails the scheduling attempt with this text. */
    static byte[] filterError(String message) {
        return new JsonOut(message.length() + 128)
                .raw("{\"Nodes\":null,\"NodeNames\":null,\"FailedNodes\":null,\"FailedAndUnresolvableNodes\":null,\"Error\":")
                .string(message).raw('}').toByteArray();
    }

    /** An error body: {@code {"Error": message}}, the protocol's own field for what went wrong. */
    static byte[] error(String message) {
        return new JsonOut(message.length() + 16).raw("{\"Error\":").string(message).raw('}').toByteArray();
    }
}
