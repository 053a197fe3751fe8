package dev.osfit.extender;

/** The paths of the extender verbs: a KubeSchedulerConfiguration names them as urlPrefix + "/" + verb. */
public final class Routes {

    public static final String FILTER = "/filter";
    public static final String PRIORITIZE = "/prioritize";
    public static final String PREEMPT = "/preempt";
    /** Not a verb: for operators, the /filter body or (cluster mode) /explain/{namespace}/{name}. */
    public static final String EXPLAIN = "/explain";

    private Routes() {
    }
}
