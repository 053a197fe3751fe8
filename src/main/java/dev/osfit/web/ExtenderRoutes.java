package dev.osfit.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The extender verbs, at the paths a KubeSchedulerConfiguration names (urlPrefix + "/" + verb). */
@Configuration(proxyBeanMethods = false)
class ExtenderRoutes {

    static final String FILTER = "/filter";
    static final String PRIORITIZE = "/prioritize";
    static final String PREEMPT = "/preempt";

    @Bean
    RouterFunction<ServerResponse> extenderVerbs(FilterHandler filter, PrioritizeHandler prioritize, PreemptHandler preempt) {
        return RouterFunctions.route()
                .POST(FILTER, filter::handle)
                .POST(PRIORITIZE, prioritize::handle)
                .POST(PREEMPT, preempt::handle)
                .build();
    }
}
