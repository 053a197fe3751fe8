package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.OsfitConfiguration;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.Scoring;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

class OsfitPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(OsfitConfiguration.class)
            // The server customizer counts connections; the application has Actuator's registry.
            .withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class);

    @Test
    void defaultsAreTheDocumentedOnes() {
        runner.run(context -> {
            OsfitProperties p = context.getBean(OsfitProperties.class);
            assertThat(p.maxRequestSize().toMegabytes()).isEqualTo(64);
            assertThat(p.unknownImagePolicy()).hasToString("ALLOW");
            assertThat(context.getBean(Scoring.class)).isEqualTo(Scoring.DEFAULTS);
            assertThat(context).hasSingleBean(PodCompiler.class);
            assertThat(p.nodes().requestTimeout()).hasSeconds(30);
            assertThat(p.nodes().watchTimeout()).hasMinutes(5);
            assertThat(p.nodes().forgetAfter()).hasHours(24);
            assertThat(p.maxConnections()).isEqualTo(1024);
        });
    }

    @Test
    void scoresAreTunable() {
        runner.withPropertyValues("osfit.scoring.older-build=2", "osfit.scoring.revision-step=50", "osfit.unknown-image-policy=deny")
                .run(context -> {
                    assertThat(context.getBean(Scoring.class).olderBuild()).isEqualTo(2);
                    assertThat(context.getBean(Scoring.class).revisionStep()).isEqualTo(50);
                    assertThat(context.getBean(OsfitProperties.class).unknownImagePolicy()).hasToString("DENY");
                });
    }

    @Test
    void aScoreOutsideZeroToTenStopsStartupNamingTheKey() {
        runner.withPropertyValues("osfit.scoring.exact-match=11").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("Binding validation errors on osfit")
                    .hasMessageContaining("scoring.exactMatch").hasMessageContaining("must be less than or equal to 10");
        });
    }

    @Test
    void anUnknownPolicyStopsStartup() {
        runner.withPropertyValues("osfit.unknown-image-policy=maybe").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void anAbsurdRequestLimitStopsStartup() {
        runner.withPropertyValues("osfit.max-request-size=2GB").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("osfit.max-request-size must be between");
        });
    }

    @Test
    void apiServerTimeoutsOutsideTheirRangeStopStartup() {
        runner.withPropertyValues("osfit.nodes.request-timeout=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("osfit.nodes.request-timeout must be between");
        });
        runner.withPropertyValues("osfit.nodes.watch-timeout=2h").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("osfit.nodes.watch-timeout must be between");
        });
    }
}
