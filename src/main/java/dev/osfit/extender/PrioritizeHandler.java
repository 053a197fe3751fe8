package dev.osfit.extender;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** POST /prioritize: ExtenderArgs -> HostPriorityList (scores 0..10). */
@Component
class PrioritizeHandler {

    private static final Logger log = LoggerFactory.getLogger(PrioritizeHandler.class);

    private final PodMatching matching;

    PrioritizeHandler(PodMatching matching) {
        this.matching = matching;
    }

    /** The HostPriorityList for one request body. */
    Mono<byte[]> answer(byte[] body) {
        return Mono.just(body)
                .flatMap(RequestBodies.guarded(matching::match))
                .map(RequestBodies.guarded(m -> {
                    log.debug("prioritize {}: {} nodes; {}", m.args().pod().ref(), m.args().nodes().size(), m.matcher().requirements());
                    matching.asked(m.args().pod());
                    return ExtenderEncoder.prioritize(m.args().nodes(), m.matcher());
                }));
    }
}
