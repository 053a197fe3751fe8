package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.extender.Routes;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every KubeSchedulerConfiguration shipped (scheduler-config/ and the ConfigMaps in manifests/)
 * binds to kube-scheduler's v1 types, unknown fields refused (a misspelt field is silently ignored
 * by nothing here), and wires osfit's verbs the way kube-scheduler calls them.
 */
class SchedulerConfigTest {

    /** kubescheduler.config.k8s.io/v1, the fields osfit's files may use. */
    record KubeSchedulerConfiguration(String apiVersion, String kind, Map<String, Object> clientConnection,
                                      LeaderElection leaderElection, Integer percentageOfNodesToScore,
                                      List<Profile> profiles, List<Extender> extenders) {
    }

    record LeaderElection(Boolean leaderElect, String resourceNamespace, String resourceName) {
    }

    record Profile(String schedulerName) {
    }

    record Extender(String urlPrefix, String filterVerb, String preemptVerb, String prioritizeVerb, Long weight,
                    String bindVerb, Boolean enableHTTPS, ExtenderTLSConfig tlsConfig, String httpTimeout,
                    Boolean nodeCacheCapable, List<Object> managedResources, Boolean ignorable) {
    }

    record ExtenderTLSConfig(Boolean insecure, String serverName, String certFile, String keyFile, String caFile) {
    }

    static final JsonMapper TYPED = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    static Stream<Path> all() throws IOException {
        return Stream.concat(Files.walk(Path.of("scheduler-config")), Files.walk(Path.of("manifests")))
                .filter(p -> p.toString().endsWith(".yaml")).filter(SchedulerConfigTest::isSchedulerConfig).sorted();
    }

    /** Every configuration that calls osfit (all but the hints-only one). */
    static Stream<Path> configs() throws IOException {
        return all().filter(p -> !p.endsWith("hints-only.yaml"));
    }

    @Test
    void theHintsOnlyConfigurationCallsNoExtender() throws IOException {
        KubeSchedulerConfiguration config = load(Path.of("scheduler-config/hints-only.yaml"));
        assertThat(config.apiVersion()).isEqualTo("kubescheduler.config.k8s.io/v1");
        assertThat(config.extenders()).isNull();
        assertThat(config.profiles()).isNotEmpty();
    }

    static boolean isSchedulerConfig(Path file) {
        try {
            return Files.readString(file).contains("kind: KubeSchedulerConfiguration\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static KubeSchedulerConfiguration load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            Object raw = new Yaml().load(r);
            return TYPED.convertValue(raw, KubeSchedulerConfiguration.class);
        }
    }

    @Test
    void everyVariantIsShipped() throws IOException {
        assertThat(all().map(p -> p.toString())).contains("scheduler-config/hints-only.yaml",
                "scheduler-config/osfit-names.yaml", "scheduler-config/osfit-full-nodes.yaml", "scheduler-config/osfit-mtls.yaml",
                "scheduler-config/osfit-names-strict.yaml", "manifests/base/scheduler/config.yaml", "manifests/mtls/config.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void wiresOsfit(Path file) throws IOException {
        KubeSchedulerConfiguration config = load(file);
        assertThat(config.apiVersion()).isEqualTo("kubescheduler.config.k8s.io/v1");
        assertThat(config.percentageOfNodesToScore()).as("extenders must see every feasible node").isEqualTo(100);
        assertThat(config.profiles()).isNotEmpty();
        assertThat(config.extenders()).hasSize(1);
        Extender osfit = config.extenders().get(0);
        assertThat(osfit.urlPrefix()).matches("https?://osfit\\.osfit-system\\.svc(\\.cluster\\.local)?:8888");
        // urlPrefix + "/" + verb must be osfit's routes.
        assertThat("/" + osfit.filterVerb()).isEqualTo(Routes.FILTER);
        assertThat("/" + osfit.prioritizeVerb()).isEqualTo(Routes.PRIORITIZE);
        assertThat("/" + osfit.preemptVerb()).isEqualTo(Routes.PREEMPT);
        assertThat(osfit.weight()).as("a prioritize verb needs weight > 0").isPositive();
        assertThat(osfit.httpTimeout()).as("a Go duration").matches("\\d+(ms|s)");
        assertThat(osfit.nodeCacheCapable()).isNotNull();
        assertThat(osfit.ignorable()).isNotNull();
        assertThat(osfit.bindVerb()).as("osfit does not bind").isNull();
        boolean https = osfit.urlPrefix().startsWith("https://");
        assertThat(osfit.enableHTTPS()).isEqualTo(https);
        if (https) {
            assertThat(osfit.tlsConfig()).as("mutual TLS").isNotNull();
            assertThat(osfit.tlsConfig().insecure()).as("osfit's certificate is checked").isNotEqualTo(Boolean.TRUE);
            assertThat(List.of(osfit.tlsConfig().caFile(), osfit.tlsConfig().certFile(), osfit.tlsConfig().keyFile()))
                    .allSatisfy(f -> assertThat(f).startsWith("/"));
        } else {
            assertThat(osfit.tlsConfig()).isNull();
        }
    }

    @Test
    void aMisspeltFieldIsCaught() {
        Map<String, Object> typo = Map.of("apiVersion", "kubescheduler.config.k8s.io/v1", "kind", "KubeSchedulerConfiguration",
                "extenders", List.of(Map.of("urlPrefix", "http://osfit.osfit-system.svc:8888", "nodeCacheCapeable", true)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TYPED.convertValue(typo, KubeSchedulerConfiguration.class))
                .hasMessageContaining("nodeCacheCapeable");
    }
}
