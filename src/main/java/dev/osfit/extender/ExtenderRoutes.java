package dev.osfit.extender;

import java.util.Map;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The extender verbs, at the paths a KubeSchedulerConfiguration names (urlPrefix + "/" + verb). */
@Configuration(proxyBeanMethods = false)
class ExtenderRoutes {

    /** The verbs whose latency is measured, by path. */
    private static final Map<String, String> VERBS = Map.of(Routes.FILTER, "filter", Routes.PRIORITIZE, "prioritize",
            Routes.PREEMPT, "preempt");

    /**
     * Each handler reads decode, match, encode; what every route shares is here: failures mapped to
     * answers ({@link RequestBodies#failure}) and, for the verbs, the latency timer.
     */
    @Bean
    RouterFunction<ServerResponse> extenderVerbs(FilterHandler filter, PrioritizeHandler prioritize, PreemptHandler preempt,
                                                 ExplainHandler explain, ExtenderMetrics metrics) {
        return RouterFunctions.route()
                .POST(Routes.FILTER, filter::handle)
                .POST(Routes.PRIORITIZE, prioritize::handle)
                .POST(Routes.PREEMPT, preempt::handle)
                .POST(Routes.EXPLAIN, explain::explainBody)
                .GET(Routes.EXPLAIN + "/{namespace}/{name}", explain::explainPod)
                // Any other method on a verb's path: 405 naming the one that works, in the protocol's error shape.
                .route(RequestPredicates.path(Routes.FILTER).or(RequestPredicates.path(Routes.PRIORITIZE))
                        .or(RequestPredicates.path(Routes.PREEMPT)).or(RequestPredicates.path(Routes.EXPLAIN)), ExtenderRoutes::onlyPost)
                .filter((request, next) -> {
                    String verb = VERBS.get(request.path());
                    Mono<ServerResponse> answer = Mono.defer(() -> next.handle(request))
                            .onErrorResume(e -> RequestBodies.failure(verb != null ? verb : "explain", e));
                    return verb == null ? answer : metrics.timed(verb, answer);
                })
                .build();
    }

    static Mono<ServerResponse> onlyPost(ServerRequest request) {
        return ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "POST").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ExtenderEncoder.error(request.method().name() + " " + request.path()
                        + " is not supported: kube-scheduler POSTs to it (" + (request.path().equals(Routes.EXPLAIN)
                        ? "POST a /filter body, or GET /explain/{namespace}/{name}" : "an extender verb") + ")"));
    }
}
