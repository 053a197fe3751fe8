package dev.osfit.admission;

import java.util.Locale;

/** What osfit did with a pod at admission (or at its gate's release): the metric's {@code outcome} tag. */
enum Outcome {
    /** Required node affinity for the platforms that run the pod. */
    HINTED,
    /** Left as it is, with the reason in the annotation. */
    UNCHANGED,
    /** Held by osfit's scheduling gate while its images are looked up. */
    GATED,
    /** Not looked at: not a pod CREATE, an excluded namespace, opted out, already bound. */
    SKIPPED,
    /** No node can ever run it: held Pending by a term no node satisfies. */
    BLOCKED,
    /** The same, rejected (osfit.admission.deny-conflicts). */
    DENIED;

    /** Outcomes after which nothing more is to be learned about the pod. */
    boolean certain() {
        return this == HINTED || this == BLOCKED;
    }

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
