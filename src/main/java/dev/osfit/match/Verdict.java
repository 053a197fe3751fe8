package dev.osfit.match;

import java.util.Locale;

/**
 * What osfit says about one pod on one node platform: the outcome, what kind of reason decided it, the
 * reason's text when it fails (what kube-scheduler shows), the score (0 when it fails). Verdicts are
 * made once per distinct node platform, never per node.
 */
public record Verdict(Outcome outcome, Kind kind, String reason, int score) {

    public enum Outcome {
        /** The node can run the pod's images. */
        PASS,
        /** Not now; another attempt may pass (FailedNodes). */
        FAIL,
        /** The node can never run the pod; preemption cannot help (FailedAndUnresolvableNodes). */
        UNRESOLVABLE
    }

    /** Which of {@link Reasons}' texts a failing verdict carries: a bounded set, for metrics. */
    public enum Kind {
        NONE, BUILD_MISMATCH, PLATFORM_MISMATCH, WINDOWS_UNSUPPORTED, HOST_PROCESS, NOT_INDEXED, CONFLICT, UNKNOWN_DENIED,
        INVALID_ANNOTATION;

        /** The metric tag value: {@code build_mismatch}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Verdict pass(int score) {
        return new Verdict(Outcome.PASS, Kind.NONE, null, score);
    }

    static Verdict fail(Kind kind, String reason) {
        return new Verdict(Outcome.FAIL, kind, reason, 0);
    }

    static Verdict unresolvable(Kind kind, String reason) {
        return new Verdict(Outcome.UNRESOLVABLE, kind, reason, 0);
    }

    public boolean passes() {
        return outcome == Outcome.PASS;
    }
}
