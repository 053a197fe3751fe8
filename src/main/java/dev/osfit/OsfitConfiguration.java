package dev.osfit;

import dev.osfit.config.OsfitProperties;
import dev.osfit.extender.ConnectionGuard;
import dev.osfit.image.ImagePlatformSource;
import dev.osfit.image.WindowsTagTable;
import dev.osfit.match.Isolation;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.Scoring;
import dev.osfit.registry.RegistrySource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the plain-Java core (compiler, scoring) from {@link OsfitProperties}: the one place
 * that sees every feature, so that no feature package needs another above it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OsfitProperties.class)
public class OsfitConfiguration {

    /**
     * A sender that stops or dribbles must not hold a connection (and its buffered body) forever:
     * the whole request, each gap between its bytes, its headers and the number of connections are bounded.
     */
    @Bean
    NettyServerCustomizer requestReadTimeout(OsfitProperties properties, MeterRegistry meters) {
        // One guard for the servers Spring starts: the extender port, and the management port when it has its own.
        ConnectionGuard guard = new ConnectionGuard("main", properties.maxConnections(), properties.requestReadTimeout(), meters);
        return server -> guard.applyTo(server.readTimeout(properties.requestReadTimeout()).requestTimeout(properties.requestReadTimeout())
                .idleTimeout(properties.idleTimeout()));
    }


    /** Spring Boot's SSL bundles, reloaded only when certificate and key match (see {@link VerifiedSslBundles}). */
    @Bean
    VerifiedSslBundles osfitSslBundles(ObjectProvider<org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar> registrars,
                                         MeterRegistry meters) {
        return new VerifiedSslBundles(registrars, meters);
    }

    @Bean
    Scoring scoring(OsfitProperties properties) {
        return properties.scoring().toScoring();
    }

    /**
     * Image sources after the pod's annotation and before its selectors, in the order they are asked:
     * the registry (when enabled), then the Windows tag table.
     */
    @Bean
    PodCompiler podCompiler(OsfitProperties properties, ObjectProvider<RegistrySource> registry,
                            ObjectProvider<Isolation.ByRuntimeClass> runtimeClasses) {
        List<ImagePlatformSource> sources = new ArrayList<>();
        registry.ifAvailable(sources::add);
        sources.add(new WindowsTagTable());
        // Cluster mode reads RuntimeClasses; standalone osfit has none, so every pod is process isolation.
        return new PodCompiler(sources, properties.unknownImagePolicy(), runtimeClasses.getIfAvailable(() -> Isolation.ByRuntimeClass.PROCESS_ONLY),
                new PodCompiler.RemoteLimits(properties.registry().maxImagesPerPod(), properties.registry().maxRegistriesPerPod()));
    }

}
