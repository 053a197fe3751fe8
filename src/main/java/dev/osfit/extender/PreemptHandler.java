package dev.osfit.extender;

import dev.osfit.match.Matcher;
import dev.osfit.node.NodeCatalog;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * POST /preempt: ExtenderPreemptionArgs -> ExtenderPreemptionResult. The answer replaces
 * kube-scheduler's candidate set: osfit keeps each candidate node the pod can run on with its
 * victims, and drops the others. A node with no victims is never returned (kube-scheduler treats
 * that as an error).
 */
@Component
class PreemptHandler {

    private static final Logger log = LoggerFactory.getLogger(PreemptHandler.class);

    private final RequestBodies bodies;
    private final PodMatching matching;

    PreemptHandler(RequestBodies bodies, PodMatching matching) {
        this.bodies = bodies;
        this.matching = matching;
    }

    Mono<ServerResponse> handle(ServerRequest request) {
        return bodies.read(request)
                .flatMap(RequestBodies.guarded(body -> {
                    PreemptionArgs args = matching.decoder().decodePreemption(body);
                    return matching.matcher(args.pod()).map(RequestBodies.guarded(matcher -> {
                        List<PreemptionArgs.NodeVictims> kept = keep(args, matcher, matching.catalog());
                        log.debug("preempt {}: kept {} of {} candidates", args.pod().ref(), kept.size(), args.candidates().size());
                        return ExtenderEncoder.preempt(kept);
                    }));
                }))
                .flatMap(RequestBodies::json);
    }

    /** The candidates to keep: victims present, and a node the pod can run on (or one osfit cannot check). */
    static List<PreemptionArgs.NodeVictims> keep(PreemptionArgs args, Matcher matcher, NodeCatalog catalog) {
        List<PreemptionArgs.NodeVictims> kept = new ArrayList<>();
        for (PreemptionArgs.NodeVictims candidate : args.candidates()) {
            if (!candidate.victimUids().isEmpty() && matcher.verdict(catalog.platformOf(candidate.node())).passes()) {
                kept.add(candidate);
            }
        }
        return kept;
    }
}
