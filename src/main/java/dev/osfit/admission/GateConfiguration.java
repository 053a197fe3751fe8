package dev.osfit.admission;

import dev.osfit.config.OsfitProperties;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.Scoring;
import dev.osfit.node.NodeSource;
import dev.osfit.cluster.UnscheduledPods;
import io.kubernetes.client.openapi.ApiClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gate controller, with osfit.admission.gate.enabled; it needs cluster mode (the API server to patch pods). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "osfit.admission.gate.enabled", havingValue = "true")
class GateConfiguration {

    @Bean
    GateController gateController(ObjectProvider<ApiClient> client, ObjectProvider<UnscheduledPods> pods,
                                  PodCompiler compiler, Scoring scoring, NodeSource nodes, OsfitProperties properties) {
        ApiClient api = client.getIfAvailable();
        UnscheduledPods unscheduled = pods.getIfAvailable();
        if (api == null || unscheduled == null) {
            throw new IllegalStateException("osfit.admission.gate.enabled needs cluster mode (osfit.nodes.source=cluster): "
                    + "gated pods are released through the API server");
        }
        return new GateController(unscheduled, api, compiler, scoring, nodes, properties.admission());
    }
}
