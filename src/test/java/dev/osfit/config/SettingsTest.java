package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.OsfitConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/** A misspelt or invalid osfit.* setting stops osfit at startup, saying which and what was meant. */
class SettingsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(OsfitConfiguration.class)
            .withBean(SimpleMeterRegistry.class);

    FailureAnalysis startWith(String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new SettingsFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("an analysis of the failure").isNotNull();
        return analysis[0];
    }

    @Test
    void anUnknownKeyStopsStartupAndNamesTheNearestKnownOne() {
        FailureAnalysis a = startWith("osfit.registry.max-image-per-pod=5");
        assertThat(a.getDescription()).startsWith("osfit.registry.max-image-per-pod")
                .contains("is not a setting osfit knows; did you mean osfit.registry.max-images-per-pod?");
        assertThat(a.getAction()).contains("README.md");
    }

    @Test
    void aKeyFarFromAnyKnownOneIsStillRefused() {
        assertThat(startWith("osfit.frobnicate=1").getDescription()).startsWith("osfit.frobnicate (")
                .endsWith(") is not a setting osfit knows");
    }

    @Test
    void anInvalidEnumValueListsTheAcceptedValuesAsReadmeWritesThem() {
        assertThat(startWith("osfit.unknown-image-policy=alow").getDescription())
                .isEqualTo("osfit.unknown-image-policy: 'alow' is not one of allow, deny (did you mean allow?)");
        assertThat(startWith("osfit.nodes.source=clustr").getDescription())
                .isEqualTo("osfit.nodes.source: 'clustr' is not one of request, cluster, auto (did you mean cluster?)");
    }

    @Test
    void knownSettingsStartAsBefore() {
        runner.withPropertyValues("osfit.registry.max-images-per-pod=5", "osfit.tls.allowed-clients[0]=kube-scheduler",
                "osfit.windows.hyperv-handlers=a,b").run(context -> assertThat(context).hasNotFailed());
    }
}
