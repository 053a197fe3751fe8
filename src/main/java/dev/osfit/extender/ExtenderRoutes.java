package dev.osfit.extender;

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

    /**
     * The verbs' POSTs never get here: {@link VerbRoutes} serves them ahead of WebFlux. Here: explain,
     * and 405 for a verb's other methods; failures mapped to answers ({@link RequestBodies#failure}).
     */
    @Bean
    RouterFunction<ServerResponse> extenderVerbs(ExplainHandler explain) {
        return RouterFunctions.route()
                .POST(Routes.EXPLAIN, explain::explainBody)
                .GET(Routes.EXPLAIN + "/{namespace}/{name}", explain::explainPod)
                // Any other method on a verb's path: 405 naming the one that works, in the protocol's error shape.
                .route(RequestPredicates.path(Routes.FILTER).or(RequestPredicates.path(Routes.PRIORITIZE))
                        .or(RequestPredicates.path(Routes.PREEMPT)).or(RequestPredicates.path(Routes.EXPLAIN)), ExtenderRoutes::onlyPost)
                .filter((request, next) -> Mono.defer(() -> next.handle(request)).onErrorResume(e -> RequestBodies.failure("explain", e)))
                .build();
    }

    static Mono<ServerResponse> onlyPost(ServerRequest request) {
        return ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "POST").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ExtenderEncoder.error(request.method().name() + " " + request.path()
                        + " is not supported: kube-scheduler POSTs to it (" + (request.path().equals(Routes.EXPLAIN)
                        ? "POST a /filter body, or GET /explain/{namespace}/{name}" : "an extender verb") + ")"));
    }
}
