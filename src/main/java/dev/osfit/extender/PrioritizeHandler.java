package dev.osfit.extender;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** POST /prioritize: ExtenderArgs -> HostPriorityList (scores 0..10). */
@Component
class PrioritizeHandler {

    private static final Logger log = LoggerFactory.getLogger(PrioritizeHandler.class);

    private final PodMatching matching;

    PrioritizeHandler(PodMatching matching) {
        this.matching = matching;
    }

    /** The HostPriorityList for one request body: done on return unless an image is being looked up. */
    CompletableFuture<byte[]> answer(byte[] body) {
        return matching.match(body).thenApply(RequestBodies.guarded(m -> {
            log.debug("prioritize {}: {} nodes; {}", m.args().pod().ref(), m.args().nodes().size(), m.matcher().requirements());
            matching.asked(m.args().pod());
            return ExtenderEncoder.prioritize(m.args().nodes(), m.matcher());
        }));
    }
}
