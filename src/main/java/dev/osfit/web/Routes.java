package dev.osfit.web;

/** The paths of the extender verbs: a KubeSchedulerConfiguration names them as urlPrefix + "/" + verb. */
public final class Routes {

    public static final String FILTER = "/filter";
    public static final String PRIORITIZE = "/prioritize";
    public static final String PREEMPT = "/preempt";

    private Routes() {
    }
}
