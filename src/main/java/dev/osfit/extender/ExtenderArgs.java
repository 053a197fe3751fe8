package dev.osfit.extender;

import dev.osfit.match.PodFacts;

/** The filter and prioritize request (k8s.io/kube-scheduler/extender/v1 ExtenderArgs), as far as osfit reads it. */
record ExtenderArgs(PodFacts pod, RequestNodes nodes) {
}
