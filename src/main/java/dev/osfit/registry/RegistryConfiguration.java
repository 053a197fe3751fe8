package dev.osfit.registry;

import dev.osfit.config.OsfitProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The registry source, when {@code osfit.registry.enabled} (the default). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "osfit.registry.enabled", havingValue = "true", matchIfMissing = true)
public class RegistryConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RegistryConfiguration.class);

    @Bean(destroyMethod = "close")
    RegistryClient registryClient(OsfitProperties properties, MeterRegistry meters) {
        OsfitProperties.RegistryProperties r = properties.registry();
        HashSet<String> insecure = new HashSet<>();
        r.insecure().forEach(h -> insecure.add(h.trim().toLowerCase(Locale.ROOT)));
        RegistryCredentials credentials = r.dockerConfig() == null || r.dockerConfig().isBlank()
                ? RegistryCredentials.none() : new RegistryCredentials(Path.of(r.dockerConfig()));
        Path caFile = r.caFile() == null || r.caFile().isBlank() ? null : Path.of(r.caFile());
        RegistryHosts hosts = hosts(r, insecure, caFile);
        log.info("registry lookups: budget {} per request, tags kept {}, failures kept {}; plain HTTP for {}; allow {}, deny {}{}",
                r.requestBudget(), r.tagTtl(), r.failureTtl(), insecure, r.allow(), r.deny(), r.allowOnly() ? " (allow only)" : "");
        return new RegistryClient(new RegistryClient.Settings(insecure, caFile,
                r.connectTimeout(), r.readTimeout(), (int) r.maxManifestSize().toBytes(), r.maxRedirects()),
                new RegistryPolicy(r.allow(), r.deny(), r.allowOnly(), hosts::configured), credentials, answerCounter(meters), hosts,
                providers(r, meters));
    }

    /** The kubelet's credential provider plugins, when osfit.registry.credential-provider-config names their configuration. */
    static CredentialProviders providers(OsfitProperties.RegistryProperties r, MeterRegistry meters) {
        if (r.credentialProviderConfig() == null || r.credentialProviderConfig().isBlank()) {
            return null;
        }
        return new CredentialProviders(Path.of(r.credentialProviderConfig()), Path.of(r.credentialProviderBinDir()),
                (provider, outcome) -> Counter.builder("osfit.registry.credential.provider.runs").tag("provider", provider)
                        .tag("outcome", outcome).description("credential provider plugin runs by outcome (ok, failed, timeout)")
                        .register(meters).increment());
    }

    /** How often mirror configuration files are checked for changes (they are mounted ConfigMaps or node files). */
    static final java.time.Duration HOSTS_RECHECK = java.time.Duration.ofSeconds(10);

    /** The mirror configuration, re-read in the background when its files change; the image's registry alone without one. */
    static RegistryHosts hosts(OsfitProperties.RegistryProperties r, java.util.Set<String> insecure, Path caFile) {
        Runnable refresh;
        RegistryHosts hosts;
        if (r.containerdHostsDir() != null && !r.containerdHostsDir().isBlank()) {
            ContainerdHosts containerd = new ContainerdHosts(Path.of(r.containerdHostsDir()), insecure, caFile);
            hosts = containerd;
            refresh = containerd::refresh;
        } else if (r.registriesConf() != null && !r.registriesConf().isBlank()) {
            RegistriesConf conf = new RegistriesConf(Path.of(r.registriesConf()), insecure);
            hosts = conf;
            refresh = conf::refresh;
        } else {
            return RegistryHosts.direct(insecure);
        }
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "osfit-registry-hosts");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                refresh.run();
            } catch (RuntimeException e) {
                log.warn("re-reading the registry mirror configuration failed: {}", e.toString());
            }
        }, HOSTS_RECHECK.toMillis(), HOSTS_RECHECK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return hosts;
    }

    /** Hosts with a label of their own; pods name hosts, so past this many the rest count as "other". */
    static final int MAX_REGISTRY_LABELS = 50;

    /** osfit.registry.requests{registry, status}: every registry answer (status 0: none came). */
    static java.util.function.ObjIntConsumer<String> answerCounter(MeterRegistry meters) {
        java.util.Set<String> labelled = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return (host, status) -> {
            if (labelled.size() < MAX_REGISTRY_LABELS) {
                labelled.add(host);
            }
            Counter.builder("osfit.registry.requests").tag("registry", labelled.contains(host) ? host : "other")
                    .tag("status", String.valueOf(status)).description("requests to registries by host and HTTP status (0: no answer)")
                    .register(meters).increment();
        };
    }

    @Bean
    RegistrySource registrySource(RegistryClient client, OsfitProperties properties, MeterRegistry meters) {
        OsfitProperties.RegistryProperties r = properties.registry();
        Map<RegistryException.Kind, Counter> errors = new EnumMap<>(RegistryException.Kind.class);
        for (RegistryException.Kind kind : RegistryException.Kind.values()) {
            errors.put(kind, Counter.builder("osfit.registry.errors").tag("kind", kind.name().toLowerCase(Locale.ROOT))
                    .description("failed registry lookups by kind").register(meters));
        }
        RegistrySource source = new RegistrySource(client,
                new RegistrySource.Settings(r.requestBudget(), r.tagTtl(), r.digestTtl(), r.failureTtl(), r.maxEntries()),
                kind -> errors.get(kind).increment());
        CaffeineCacheMetrics.monitor(meters, source.cache(), "image-platforms");
        return source;
    }
}
