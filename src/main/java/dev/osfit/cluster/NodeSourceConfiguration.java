package dev.osfit.cluster;

import dev.osfit.config.NodeSourceMode;
import dev.osfit.config.OsfitProperties;
import dev.osfit.node.NodeIndex;
import dev.osfit.node.NodeSource;
import dev.osfit.kube.ConsultedPods;
import dev.osfit.node.SeenNodes;
import dev.osfit.registry.RegistrySource;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Chooses where names-only requests learn their nodes ({@code osfit.nodes.source}) and wires it:
 * the request itself (standalone), or an informer-fed node index. The choice is logged at startup.
 */
@Configuration(proxyBeanMethods = false)
public class NodeSourceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NodeSourceConfiguration.class);

    /** Node platforms seen in full-node requests, for preempt (which names nodes only); in both modes. */
    @Bean
    SeenNodes seenNodes(OsfitProperties properties, MeterRegistry meters) {
        SeenNodes seen = new SeenNodes(properties.nodes().forgetAfter());
        Gauge.builder("osfit.nodes.seen", seen, SeenNodes::size).description("nodes remembered from full-node requests (for preempt)")
                .register(meters);
        return seen;
    }

    /** Which pods kube-scheduler asked osfit about (the placement audit's other half); in both modes. */
    @Bean
    ConsultedPods consultedPods() {
        return new ConsultedPods(java.time.Duration.ofMinutes(30));
    }

    /** The mode {@code osfit.nodes.source} resolves to here, with why. */
    record Resolved(NodeSourceMode mode, String why) {
    }

    static Resolved resolve(Environment env) {
        NodeSourceMode configured = env.getProperty("osfit.nodes.source", NodeSourceMode.class, NodeSourceMode.AUTO);
        String kubeconfig = env.getProperty("osfit.nodes.kubeconfig");
        if (configured != NodeSourceMode.AUTO) {
            return new Resolved(configured, "osfit.nodes.source=" + configured.name().toLowerCase());
        }
        String credentials = ClusterAccess.findCredentials(kubeconfig, System.getenv(), Path.of(System.getProperty("user.home")),
                ClusterAccess.SERVICE_ACCOUNT_TOKEN);
        return credentials != null
                ? new Resolved(NodeSourceMode.CLUSTER, "osfit.nodes.source=auto found " + credentials)
                : new Resolved(NodeSourceMode.REQUEST, "osfit.nodes.source=auto found no kubeconfig or service account");
    }

    static final class ClusterMode extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Resolved r = resolve(context.getEnvironment());
            return new ConditionOutcome(r.mode() == NodeSourceMode.CLUSTER, r.why());
        }
    }

    static final class RequestMode extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Resolved r = resolve(context.getEnvironment());
            return new ConditionOutcome(r.mode() == NodeSourceMode.REQUEST, r.why());
        }
    }

    /** Standalone: nodes come with each request. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(RequestMode.class)
    static class Standalone {

        @Bean
        NodeSource nodeSource(Environment env) {
            log.info("node source: request ({}): names-only requests pass nodes osfit cannot check", resolve(env).why());
            return NodeSource.REQUEST;
        }

        @Bean
        HealthIndicator nodeIndex() {
            return () -> Health.up().withDetail("source", "request").build();
        }
    }

    /** Cluster: an informer-fed node index answers names-only requests. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(ClusterMode.class)
    static class Cluster {

        @Bean
        NodeIndex clusterNodeIndex() {
            return new NodeIndex();
        }

        @Bean
        NodeSource nodeSource(NodeIndex index, Environment env) {
            log.info("node source: cluster ({})", resolve(env).why());
            return index::snapshot;
        }

        @Bean
        ApiClient kubernetesApiClient(NodeIndex index, OsfitProperties properties) {
            QuietInformerStop.install();
            return ClusterAccess.apiClient(properties.nodes().kubeconfig(), properties.nodes().requestTimeout(), WatchTracker.factory(index));
        }

        @Bean
        NodeInformer nodeInformer(NodeIndex index, ApiClient client, OsfitProperties properties) {
            return new NodeInformer(index, client, properties.nodes().publishInterval(), properties.nodes().watchTimeout());
        }

        /**
         * Pods not scheduled yet, watched once for whoever needs them: the image prefetch (with the registry
         * on and osfit.registry.prefetch, the default: warm the cache before kube-scheduler asks) and the
         * scheduling gate controller.
         */
        @Bean
        UnscheduledPods unscheduledPods(ApiClient client, ObjectProvider<RegistrySource> registry, OsfitProperties properties) {
            UnscheduledPods pods = new UnscheduledPods(client, properties.nodes().watchTimeout());
            RegistrySource source = registry.getIfAvailable();
            if (source != null && properties.registry().prefetch()) {
                new PodPrefetcher(pods, source, properties.registry().maxImagesPerPod());
            }
            return pods;
        }

        /** Workload templates resolved before their pods exist (with the registry on and osfit.registry.prefetch-templates). */
        @Bean
        @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "osfit.registry.prefetch-templates", matchIfMissing = true)
        TemplatePrefetcher templatePrefetcher(ApiClient client, ObjectProvider<RegistrySource> registry, OsfitProperties properties,
                                              MeterRegistry meters) {
            TemplatePrefetcher prefetcher = new TemplatePrefetcher(client, properties.nodes().watchTimeout(), registry.getIfAvailable(),
                    properties.registry().maxImagesPerPod());
            FunctionCounter.builder("osfit.registry.prefetch.templates", prefetcher, TemplatePrefetcher::templatesSeen)
                    .description("workload pod templates whose images were resolved ahead of their pods").register(meters);
            return prefetcher;
        }

        /** Failed starts that mean a platform mismatch: counted, kept for /explain, and the image read again. */
        @Bean
        @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "osfit.nodes.watch-failed-starts", matchIfMissing = true)
        StartFailures startFailures(ApiClient client, ObjectProvider<RegistrySource> registry, OsfitProperties properties, MeterRegistry meters) {
            return new StartFailures(client, properties.nodes().watchTimeout(), registry.getIfAvailable(), meters);
        }

        /** Pods running on nodes that can no longer run them: an event on each, once, and a gauge by namespace. */
        @Bean
        @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "osfit.nodes.detect-drift", matchIfMissing = true)
        Drift drift(ApiClient client, NodeSource nodes, dev.osfit.match.PodCompiler compiler, dev.osfit.match.Scoring scoring,
                    MeterRegistry meters, OsfitProperties properties) {
            return new Drift(client, nodes, compiler, scoring, meters, properties.nodes().driftSweep());
        }

        /** Pods placed where osfit would not have put them (osfit bypassed): counted, and a Warning event on each. */
        @Bean
        @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "osfit.nodes.audit-placements", matchIfMissing = true)
        PlacementAudit placementAudit(ApiClient client, UnscheduledPods pods, NodeSource nodes, dev.osfit.match.PodCompiler compiler,
                                      dev.osfit.match.Scoring scoring, ConsultedPods consulted, MeterRegistry meters,
                                      OsfitProperties properties) {
            return new PlacementAudit(client, pods, nodes, compiler, scoring, consulted, meters, properties.nodes().auditUnconsulted());
        }

        /** The pods' pull secrets for registries that want credentials (osfit.registry.pull-secrets; needs the RBAC of manifests/components/pull-secrets). */
        @Bean
        @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "osfit.registry.pull-secrets", havingValue = "true")
        PullSecrets pullSecrets(ApiClient client, ObjectProvider<RegistrySource> registry, OsfitProperties properties, MeterRegistry meters) {
            PullSecrets secrets = new PullSecrets(client, properties.nodes().watchTimeout());
            RegistrySource source = registry.getIfAvailable();
            if (source != null) {
                source.usePullSecrets(secrets);
            }
            Gauge.builder("osfit.registry.pull.secrets", secrets, PullSecrets::secretsHeld)
                    .description("pull secrets (docker configurations) osfit holds for registry lookups").register(meters);
            return secrets;
        }

        /** Which RuntimeClasses give Hyper-V isolation, read by the pod compiler. */
        @Bean
        RuntimeClasses runtimeClasses(ApiClient client, OsfitProperties properties) {
            return new RuntimeClasses(client, properties.nodes().watchTimeout(), java.util.Set.copyOf(properties.windows().hypervHandlers()));
        }

        @Bean
        HealthIndicator nodeIndex(NodeIndex index) {
            return new NodeIndexHealthIndicator(index);
        }

        @Bean
        MeterBinder nodeIndexMetrics(NodeIndex index, NodeInformer informer) {
            return registry -> {
                Gauge.builder("osfit.nodes.indexed", index, i -> i.snapshot().size())
                        .description("nodes in the current index snapshot").register(registry);
                Gauge.builder("osfit.nodes.snapshot.age", index, i -> i.ageMillis() / 1000.0).baseUnit("seconds")
                        .description("how stale the node index may be: 0 while a watch is open, else time since the API server last answered; -1 before it ever did")
                        .register(registry);
                Gauge.builder("osfit.nodes.synced", index, i -> i.synced() ? 1 : 0)
                        .description("1 once the first full node list is indexed").register(registry);
                FunctionCounter.builder("osfit.nodes.listwatch.failures", informer, NodeInformer::failures)
                        .description("failed node list or watch calls").register(registry);
            };
        }

        @Bean
        MeterBinder unscheduledPodsMetrics(UnscheduledPods pods) {
            return registry -> FunctionCounter.builder("osfit.pods.listwatch.failures", pods, UnscheduledPods::failures)
                    .description("failed list or watch calls for unscheduled pods (image prefetch, scheduling gate)")
                    .register(registry);
        }
    }

}
