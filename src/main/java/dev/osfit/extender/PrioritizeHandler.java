package dev.osfit.extender;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** POST /prioritize: ExtenderArgs -> HostPriorityList (scores 0..10). */
@Component
class PrioritizeHandler {

    private static final Logger log = LoggerFactory.getLogger(PrioritizeHandler.class);

    private final RequestBodies bodies;
    private final PodMatching matching;

    PrioritizeHandler(RequestBodies bodies, PodMatching matching) {
        this.bodies = bodies;
        this.matching = matching;
    }

    Mono<ServerResponse> handle(ServerRequest request) {
        return bodies.read(request)
                .flatMap(RequestBodies.guarded(matching::match))
                .map(RequestBodies.guarded(m -> {
                    log.debug("prioritize {}: {} nodes; {}", m.args().pod().ref(), m.args().nodes().size(), m.matcher().requirements());
                    matching.asked(m.args().pod());
                    return ExtenderEncoder.prioritize(m.args().nodes(), m.matcher());
                }))
                .flatMap(RequestBodies::json);
    }
}
