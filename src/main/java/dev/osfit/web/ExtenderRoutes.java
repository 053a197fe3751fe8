package dev.osfit.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The extender verbs, at the paths a KubeSchedulerConfiguration names (urlPrefix + "/" + verb). */
@Configuration(proxyBeanMethods = false)
class ExtenderRoutes {

    @Bean
    RouterFunction<ServerResponse> extenderVerbs(FilterHandler filter, PrioritizeHandler prioritize, PreemptHandler preempt,
                                                 ExplainHandler explain) {
        return RouterFunctions.route()
                .POST(Routes.FILTER, filter::handle)
                .POST(Routes.PRIORITIZE, prioritize::handle)
                .POST(Routes.PREEMPT, preempt::handle)
                .POST(Routes.EXPLAIN, explain::explainBody)
                .GET(Routes.EXPLAIN + "/{namespace}/{name}", explain::explainPod)
                .build();
    }
}
