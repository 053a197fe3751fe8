package dev.osfit.admission;

import dev.osfit.extender.RequestBodies;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The webhook's path, as the MutatingWebhookConfiguration in manifests/ names it. */
@Configuration(proxyBeanMethods = false)
class AdmissionRoutes {

    static final String PODS = "/admission/pods";

    @Bean
    RouterFunction<ServerResponse> admissionWebhook(AdmissionHandler pods) {
        return RouterFunctions.route().POST(PODS, pods::handle)
                .filter((request, next) -> Mono.defer(() -> next.handle(request)).onErrorResume(e -> RequestBodies.failure("admission", e)))
                .build();
    }
}
