package dev.osfit.web;

import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.Scoring;
import dev.osfit.node.NodeCatalog;
import dev.osfit.node.NodeSource;
import dev.osfit.wire.ExtenderArgs;
import dev.osfit.wire.ExtenderDecoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The step filter and prioritize share: decode the request, compile the pod, know the nodes. */
@Component
class PodMatching {

    private final ExtenderDecoder decoder;
    private final PodCompiler compiler;
    private final Scoring scoring;
    private final NodeSource nodes;

    PodMatching(ExtenderDecoder decoder, PodCompiler compiler, Scoring scoring, NodeSource nodes) {
        this.decoder = decoder;
        this.compiler = compiler;
        this.scoring = scoring;
        this.nodes = nodes;
    }

    record Matched(ExtenderArgs args, Matcher matcher) {
    }

    /** Decodes, resolves named nodes from the current catalog and compiles the pod. */
    Mono<Matched> match(byte[] body) {
        ExtenderArgs args = decoder.decodeArgs(body);
        if (!args.nodes().full()) {
            NodeCatalog catalog = nodes.current();
            if (!catalog.ready()) {
                throw new IndexNotReadyException();
            }
            args.nodes().resolve(catalog);
        }
        return matcher(args.pod()).map(matcher -> new Matched(args, matcher));
    }

    Mono<Matcher> matcher(PodFacts pod) {
        return Mono.fromCompletionStage(compiler.compile(pod)).map(requirements -> new Matcher(requirements, scoring));
    }

    /** The current catalog, or the empty one while it is not ready (nodes it cannot check pass). */
    NodeCatalog catalog() {
        NodeCatalog catalog = nodes.current();
        return catalog.ready() ? catalog : NodeCatalog.EMPTY;
    }

    ExtenderDecoder decoder() {
        return decoder;
    }
}
