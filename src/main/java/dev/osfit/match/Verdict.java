package dev.osfit.match;

/**
 * What osfit says about one pod on one node platform: the outcome, the reason when it fails, the
 * score (0 when it fails). Verdicts are made once per distinct node platform, never per node.
 */
public record Verdict(Outcome outcome, String reason, int score) {

    public enum Outcome {
        /** The node can run the pod's images. */
        PASS,
        /** Not now; another attempt may pass (FailedNodes). */
        FAIL,
        /** The node can never run the pod; preemption cannot help (FailedAndUnresolvableNodes). */
        UNRESOLVABLE
    }

    static Verdict pass(int score) {
        return new Verdict(Outcome.PASS, null, score);
    }

    static Verdict fail(String reason) {
        return new Verdict(Outcome.FAIL, reason, 0);
    }

    static Verdict unresolvable(String reason) {
        return new Verdict(Outcome.UNRESOLVABLE, reason, 0);
    }

    public boolean passes() {
        return outcome == Outcome.PASS;
    }
}
