package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/** Every file in scheduler-config/ wires osfit's verbs the way kube-scheduler reads them. */
class SchedulerConfigTest {

    static Stream<Path> configs() throws IOException {
        return Files.list(Path.of("scheduler-config")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    @SuppressWarnings("unchecked")
    void wiresOsfit(Path file) throws IOException {
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(file)) {
            config = new Yaml().load(r);
        }
        assertThat(config).containsEntry("apiVersion", "kubescheduler.config.k8s.io/v1").containsEntry("kind", "KubeSchedulerConfiguration");
        assertThat(config.get("percentageOfNodesToScore")).as("extenders must see every feasible node").isEqualTo(100);
        List<Map<String, Object>> extenders = (List<Map<String, Object>>) config.get("extenders");
        assertThat(extenders).hasSize(1);
        Map<String, Object> osfit = extenders.get(0);
        assertThat((String) osfit.get("urlPrefix")).matches("https?://osfit\\.osfit-system\\.svc(\\.cluster\\.local)?:8888");
        // urlPrefix + "/" + verb must be osfit's routes.
        assertThat("/" + osfit.get("filterVerb")).isEqualTo(dev.osfit.web.Routes.FILTER);
        assertThat("/" + osfit.get("prioritizeVerb")).isEqualTo(dev.osfit.web.Routes.PRIORITIZE);
        assertThat("/" + osfit.get("preemptVerb")).isEqualTo(dev.osfit.web.Routes.PREEMPT);
        assertThat((Integer) osfit.get("weight")).as("a prioritize verb needs weight > 0").isPositive();
        assertThat((String) osfit.get("httpTimeout")).matches("\\d+(ms|s)");
        assertThat(osfit.get("nodeCacheCapable")).isInstanceOf(Boolean.class);
        assertThat(osfit.get("ignorable")).isInstanceOf(Boolean.class);
        assertThat(osfit).doesNotContainKey("bindVerb");
    }
}
