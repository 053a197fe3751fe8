package dev.osfit.extender;

import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.PodRequirements;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import reactor.core.scheduler.Schedulers;
import dev.osfit.match.Scoring;
import dev.osfit.node.NodeCatalog;
import dev.osfit.node.NodeSource;
import dev.osfit.node.SeenNodes;
import dev.osfit.kube.ConsultedPods;
import org.springframework.stereotype.Component;

/**
 * The step filter and prioritize share: decode the request, compile the pod, know the nodes.
 *
 * <p>Answers are futures, not Reactor chains: nearly every request finds its pod's images known
 * (cache, annotation, static sources), and then everything happens on the calling thread with no
 * operator in between: less to allocate per request and less for C2 to inline than the dozen
 * operators a verb took before.
 */
@Component
class PodMatching {

    private final ExtenderDecoder decoder;
    private final PodCompiler compiler;
    private final Scoring scoring;
    private final NodeSource nodes;
    private final SeenNodes seen;
    private final ConsultedPods consulted;

    PodMatching(PodCompiler compiler, Scoring scoring, NodeSource nodes, SeenNodes seen, ConsultedPods consulted) {
        this.consulted = consulted;
        this.decoder = new ExtenderDecoder();
        this.compiler = compiler;
        this.scoring = scoring;
        this.nodes = nodes;
        this.seen = seen;
    }

    record Matched(ExtenderArgs args, Matcher matcher) {
    }

    /** Runs where a lookup that completes later continues: never a registry event loop or the JDK's timeout thread. */
    private static final Executor PARALLEL = task -> Schedulers.parallel().schedule(task);

    /**
     * Decodes, resolves named nodes from the current catalog and compiles the pod: done on return when
     * every image is known. Bad input and an index not ready yet are thrown, not returned.
     */
    CompletableFuture<Matched> match(byte[] body) {
        try {
            return match(decoder.decodeArgs(body));
        } catch (OutOfMemoryError e) {
            // What a request allocates follows its size: answered 503 (see RequestBodies.guarded).
            throw new RequestBodies.NoMemoryException();
        }
    }

    /** Resolves named nodes from the current catalog and compiles the pod (as {@link #match(byte[])}). */
    CompletableFuture<Matched> match(ExtenderArgs args) {
        RequestNodes requestNodes = args.nodes();
        if (requestNodes.full()) {
            // Remembered for preempt, which names nodes without their objects.
            for (int i = 0; i < requestNodes.size(); i++) {
                seen.record(requestNodes.name(i), requestNodes.platform(i));
            }
        } else {
            NodeCatalog catalog = nodes.current();
            if (!catalog.ready()) {
                throw new IndexNotReadyException();
            }
            args.nodes().resolve(catalog);
        }
        return matcher(args.pod()).thenApply(matcher -> new Matched(args, matcher));
    }

    /**
     * The pod's matcher. Usually every image is known at once (cache, annotation, static sources) and
     * this stays on the calling thread (the future is done on return); a lookup that completes later
     * completes on a registry event loop or the JDK's timeout thread, so the rest of the request moves
     * to the parallel scheduler.
     */
    CompletableFuture<Matcher> matcher(PodFacts pod) {
        CompletableFuture<PodRequirements> requirements = compiler.compile(pod).toCompletableFuture();
        return requirements.isDone() ? requirements.thenApply(r -> new Matcher(r, scoring))
                : requirements.thenApplyAsync(r -> new Matcher(r, scoring), PARALLEL);
    }

    /** The current catalog, or the empty one while it is not ready (nodes it cannot check pass). */
    NodeCatalog catalog() {
        NodeCatalog catalog = nodes.current();
        return catalog.ready() ? catalog : NodeCatalog.EMPTY;
    }

    /**
     * Where preempt learns the platforms of the nodes it names: the node index when it holds the whole
     * cluster, otherwise (standalone) the nodes seen in full-node requests.
     */
    NodeCatalog preemptionCatalog() {
        NodeCatalog catalog = nodes.current();
        return catalog.complete() && catalog.ready() ? catalog : seen;
    }

    /** kube-scheduler asked about this pod (a verb call; explain is not one): for the placement audit. */
    void asked(PodFacts pod) {
        consulted.record(pod.uid(), pod.schedulerName(), false);
    }

    /** osfit answered this pod's filter with a verdict: the placement audit need not read it again once bound. */
    void filtered(PodFacts pod) {
        consulted.record(pod.uid(), pod.schedulerName(), true);
    }

    ExtenderDecoder decoder() {
        return decoder;
    }
}
