package dev.osfit.plan;

import dev.osfit.match.PodCompiler;
import dev.osfit.match.Scoring;
import io.kubernetes.client.openapi.ApiClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** {@code GET /plan}: the upgrade planner, for operators (cluster mode). */
@Configuration(proxyBeanMethods = false)
class PlanRoutes {

    static final String PLAN = "/plan";

    @Bean
    RouterFunction<ServerResponse> planRoute(PodCompiler compiler, Scoring scoring, ObjectProvider<ApiClient> kubernetes) {
        PlanHandler handler = new PlanHandler(new Planner(compiler, scoring), kubernetes);
        return RouterFunctions.route().GET(PLAN, handler::plan).build();
    }
}
