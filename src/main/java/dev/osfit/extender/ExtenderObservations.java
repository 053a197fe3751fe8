package dev.osfit.extender;

import io.micrometer.observation.ObservationPredicate;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * The verbs are timed once, by {@link ExtenderMetrics} ({@code osfit_extender_requests_seconds}, by verb
 * and status): Spring's own {@code http.server.requests} observation is left off for their paths, which
 * would record the same latency a second time (and cost a second observation per call on the hot path).
 * It stays on for everything else (explain, actuator, the webhook on the main port).
 */
@Configuration(proxyBeanMethods = false)
class ExtenderObservations {

    static final Set<String> TIMED_PATHS = Set.of(Routes.FILTER, Routes.PRIORITIZE, Routes.PREEMPT);

    @Bean
    ObservationPredicate noSecondTimerForTheVerbs() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && TIMED_PATHS.contains(request.getCarrier().getPath().value()));
    }
}
