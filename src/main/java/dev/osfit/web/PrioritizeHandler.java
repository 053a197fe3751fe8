package dev.osfit.web;

import dev.osfit.wire.ExtenderEncoder;
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
    private final ExtenderMetrics metrics;

    PrioritizeHandler(RequestBodies bodies, PodMatching matching, ExtenderMetrics metrics) {
        this.bodies = bodies;
        this.matching = matching;
        this.metrics = metrics;
    }

    Mono<ServerResponse> handle(ServerRequest request) {
        return metrics.timed("prioritize", bodies.read(request)
                .flatMap(matching::match)
                .map(m -> {
                    log.debug("prioritize {}: {} nodes; {}", m.args().pod().ref(), m.args().nodes().size(), m.matcher().requirements());
                    return ExtenderEncoder.prioritize(m.args().nodes(), m.matcher());
                })
                .flatMap(RequestBodies::json)
                .onErrorResume(e -> RequestBodies.failure("prioritize", e)));
    }
}
