package dev.osfit.web;

import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.Scoring;
import dev.osfit.node.NodeCatalog;
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
    private final NodeCatalog catalog;

    PodMatching(ExtenderDecoder decoder, PodCompiler compiler, Scoring scoring, NodeCatalog catalog) {
        this.decoder = decoder;
        this.compiler = compiler;
        this.scoring = scoring;
        this.catalog = catalog;
    }

    record Matched(ExtenderArgs args, Matcher matcher) {
    }

    Mono<Matched> match(byte[] body) {
        ExtenderArgs args = decoder.decodeArgs(body);
        args.nodes().resolve(catalog);
        return matcher(args.pod()).map(matcher -> new Matched(args, matcher));
    }

    Mono<Matcher> matcher(PodFacts pod) {
        return Mono.fromCompletionStage(compiler.compile(pod)).map(requirements -> new Matcher(requirements, scoring));
    }

    NodeCatalog catalog() {
        return catalog;
    }

    ExtenderDecoder decoder() {
        return decoder;
    }
}
