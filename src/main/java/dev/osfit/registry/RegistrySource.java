package dev.osfit.registry;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.osfit.image.ImagePlatformSource;
import dev.osfit.image.ImagePlatforms;
import dev.osfit.image.ImageRef;
import dev.osfit.image.PullContext;
import dev.osfit.platform.Platform;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The registry as an image platform source, behind a Caffeine cache keyed by the normalised
 * reference.
 *
 * <ul>
 *   <li>Digests are immutable and kept long; tags live {@code tagTtl} and are refreshed in the
 *       background after half of it, so an image in use never waits for its registry again;
 *       failures are kept {@code failureTtl}, so a broken registry is not asked on every request.</li>
 *   <li>Concurrent requests for one image share one fetch.</li>
 *   <li>A request waits at most {@code requestBudget}; past it, this source answers "not known" and
 *       the next source (the Windows tag table, the pod's selectors) decides, while the fetch goes on
 *       and fills the cache for the next attempt.</li>
 * </ul>
 */
public final class RegistrySource implements ImagePlatformSource {

    private static final Logger log = LoggerFactory.getLogger(RegistrySource.class);

    /** Cache policy and request budget (osfit.registry.*). */
    public record Settings(Duration requestBudget, Duration tagTtl, Duration digestTtl, Duration failureTtl, long maxEntries) {
    }

    /** What the cache holds for an image: its platforms, or why the registry could not say. */
    sealed interface Lookup permits Found, Failed {
    }

    /**
     * @param digest     the registry's digest of the manifest or index read, for revalidation; null when it gave none
     * @param credential the pod's pull credential it was read with, for revalidation; null for osfit's own
     */
    record Found(List<Platform> platforms, String digest, RegistryCredentials.Basic credential) implements Lookup {
    }

    /** @param withPodCredential whether a pod's pull credential was tried */
    record Failed(RegistryException.Kind kind, String message, boolean withPodCredential) implements Lookup {

        Failed(RegistryException.Kind kind, String message) {
            this(kind, message, false);
        }

        /** The registry wants credentials osfit's own did not give: a pod's pull secret may. */
        boolean deniedWithoutPodCredential() {
            return !withPodCredential && (kind == RegistryException.Kind.UNAUTHORIZED || kind == RegistryException.Kind.FORBIDDEN);
        }
    }

    /** The weight of an answer beside its platforms: a typical image lists 2 to 6. */
    static final int ENTRY_WEIGHT = 4;

    private static final Lookup OVER_BUDGET = new Failed(RegistryException.Kind.TIMEOUT, "over the request budget");

    private final Settings settings;
    private final AsyncLoadingCache<String, Lookup> cache;
    private final Loader loader;
    private final LookupStats stats = new LookupStats();
    /** The pods' pull secrets (cluster mode with osfit.registry.pull-secrets); null: osfit's own credentials only. */
    private volatile PullSecretLookup pullSecrets;

    public RegistrySource(RegistryClient client, Settings settings, Consumer<RegistryException.Kind> errors) {
        this.settings = settings;
        // Registries choose how many platforms an index lists: weigh an answer by them, so that
        // max-entries typical answers fit and answers with many platforms count for more.
        this.cache = Caffeine.newBuilder()
                .maximumWeight(settings.maxEntries() * ENTRY_WEIGHT)
                .weigher((String key, Lookup lookup) -> ENTRY_WEIGHT + (lookup instanceof Found f ? f.platforms().size() : 0))
                .expireAfter(new LookupExpiry(settings))
                .refreshAfterWrite(settings.tagTtl().dividedBy(2))
                .recordStats(() -> stats)
                .buildAsync(loader = new Loader(client, errors, stats));
    }

    /** Use the pods' pull secrets from now on (set once the informer that reads them exists). */
    public void usePullSecrets(PullSecretLookup lookup) {
        this.pullSecrets = lookup;
    }

    /**
     * As {@link #platforms(ImageRef)}, with the pod's pull secrets when osfit has no answer yet or the registry
     * refused osfit's own credentials: the answer is cached for the image, whoever asks next (what an image
     * needs is no secret; pulling it still takes the credentials).
     */
    @Override
    public CompletionStage<Optional<ImagePlatforms>> platforms(ImageRef image, PullContext requester) {
        PullSecretLookup lookup = pullSecrets;
        if (lookup == null || !requester.any()) {
            return platforms(image);
        }
        String key = image.normalized();
        CompletableFuture<Lookup> cached = cache.getIfPresent(key);
        boolean denied = cached != null && cached.isDone() && !cached.isCompletedExceptionally()
                && cached.join() instanceof Failed failed && failed.deniedWithoutPodCredential();
        if (cached != null && !denied) {
            return platforms(image);
        }
        RegistryCredentials.Basic credential = null;
        String name = image.registry().toLowerCase(java.util.Locale.ROOT) + "/" + image.repository();
        for (RegistryCredentials.DockerConfig config : lookup.dockerConfigs(requester)) {
            List<RegistryCredentials.Basic> matching = config.matching(name);
            if (!matching.isEmpty()) {
                credential = matching.get(0);
                break;
            }
        }
        if (credential == null) {
            return platforms(image);
        }
        if (denied) {
            cache.synchronous().invalidate(key);
        }
        RegistryCredentials.Basic podCredential = credential;
        return answer(cache.get(key, (k, executor) -> loader.load(k, podCredential)));
    }

    @Override
    public CompletionStage<Optional<ImagePlatforms>> platforms(ImageRef image) {
        // The budget applies to a copy: the cached fetch itself runs to its end.
        return answer(cache.get(image.normalized()));
    }

    private CompletionStage<Optional<ImagePlatforms>> answer(CompletableFuture<Lookup> pending) {
        return pending.copy()
                .completeOnTimeout(OVER_BUDGET, settings.requestBudget().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(lookup -> lookup instanceof Found found
                        ? Optional.of(new ImagePlatforms(found.platforms(), RegistryClient.SOURCE)) : Optional.empty());
    }

    /** Starts a lookup (if not cached) without waiting for it: prefetch for pods not yet scheduled. */
    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public boolean pending(ImageRef image) {
        CompletableFuture<Lookup> lookup = cache.getIfPresent(image.normalized());
        return lookup != null && !lookup.isDone();
    }

    @Override
    public String failure(ImageRef image) {
        CompletableFuture<Lookup> lookup = cache.getIfPresent(image.normalized());
        if (lookup != null && lookup.isDone() && !lookup.isCompletedExceptionally() && lookup.join() instanceof Failed failed) {
            return failed.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + failed.message();
        }
        return null;
    }

    /** Drops what osfit holds for the image (a node could not start it): the next decision asks the registry again. */
    public void forget(ImageRef image) {
        cache.synchronous().invalidate(image.normalized());
    }

    public void prefetch(ImageRef image) {
        cache.get(image.normalized());
    }

    /** The same, on behalf of a pod or workload whose pull secrets may open the registry. */
    public void prefetch(ImageRef image, PullContext requester) {
        platforms(image, requester);
    }

    /** The cache, for metrics. */
    public AsyncLoadingCache<String, Lookup> cache() {
        return cache;
    }

    private static final class Loader implements AsyncCacheLoader<String, Lookup> {
        private final RegistryClient client;
        private final Consumer<RegistryException.Kind> errors;
        private final LookupStats stats;

        Loader(RegistryClient client, Consumer<RegistryException.Kind> errors, LookupStats stats) {
            this.client = client;
            this.errors = errors;
            this.stats = stats;
        }

        @Override
        public CompletableFuture<Lookup> asyncLoad(String key, Executor executor) {
            return load(key, null);
        }

        /** A lookup, with a pod's pull credential for the image's registry (null: osfit's own). */
        CompletableFuture<Lookup> load(String key, RegistryCredentials.Basic podCredential) {
            ImageRef.Parsed parsed = ImageRef.parse(key);
            if (!(parsed instanceof ImageRef.Valid valid)) {
                return CompletableFuture.completedFuture(new Failed(RegistryException.Kind.MALFORMED, "invalid reference"));
            }
            long started = System.nanoTime();
            return client.resolve(valid.ref(), podCredential)
                    .<Lookup>map(r -> new Found(r.platforms(), r.digest(), podCredential))
                    .doOnNext(found -> stats.loaded(true, System.nanoTime() - started))
                    .onErrorResume(e -> {
                        RegistryException r = e instanceof RegistryException re ? re : RegistryClient.classify(e);
                        // Counted here, together: cache_load_total{result="failure"} equals osfit_registry_errors_total.
                        stats.loaded(false, System.nanoTime() - started);
                        errors.accept(r.kind());
                        log.debug("registry lookup of {} failed: {}", key, r.getMessage());
                        return Mono.just(new Failed(r.kind(), r.getMessage(), podCredential != null));
                    })
                    .toFuture();
        }

        /**
         * Digests never change: a refresh keeps what is there. A tag is revalidated with a HEAD of its manifest:
         * the same digest keeps the answer (one small request instead of the index and perhaps a config blob);
         * another digest, none, or a failed HEAD fetches it again.
         */
        @Override
        public CompletableFuture<Lookup> asyncReload(String key, Lookup oldValue, Executor executor) {
            if (!(oldValue instanceof Found found)) {
                return asyncLoad(key, executor);
            }
            if (key.contains("@")) {
                return CompletableFuture.completedFuture(oldValue);
            }
            if (found.digest() == null || !(ImageRef.parse(key) instanceof ImageRef.Valid valid)) {
                return load(key, found.credential());
            }
            return client.digest(valid.ref(), found.credential())
                    .map(digest -> digest.equals(found.digest()))
                    .onErrorReturn(false)
                    .defaultIfEmpty(false)
                    .toFuture()
                    // A new instance, so that the cache takes it as an update and starts the tag's time again.
                    .thenCompose(same -> same
                            ? CompletableFuture.<Lookup>completedFuture(new Found(found.platforms(), found.digest(), found.credential()))
                            : load(key, found.credential()));
        }
    }

    /**
     * The cache's statistics, with loads recorded by the loader: a failed lookup is cached as an answer (so the
     * registry is not asked again for failure-ttl), which Caffeine would count as a successful load; the loader
     * knows better. Hits, misses and evictions are Caffeine's.
     */
    static final class LookupStats implements com.github.benmanes.caffeine.cache.stats.StatsCounter {
        private final com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter counts =
                new com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter();

        void loaded(boolean found, long nanos) {
            if (found) {
                counts.recordLoadSuccess(nanos);
            } else {
                counts.recordLoadFailure(nanos);
            }
        }

        @Override
        public void recordHits(int count) {
            counts.recordHits(count);
        }

        @Override
        public void recordMisses(int count) {
            counts.recordMisses(count);
        }

        @Override
        public void recordLoadSuccess(long loadTime) {
            // recorded by the loader
        }

        @Override
        public void recordLoadFailure(long loadTime) {
            // recorded by the loader
        }

        @Override
        public void recordEviction(int weight, com.github.benmanes.caffeine.cache.RemovalCause cause) {
            counts.recordEviction(weight, cause);
        }

        @Override
        public com.github.benmanes.caffeine.cache.stats.CacheStats snapshot() {
            return counts.snapshot();
        }
    }

    private record LookupExpiry(Settings settings) implements Expiry<String, Lookup> {
        private long ttl(String key, Lookup value) {
            Duration d = value instanceof Failed ? settings.failureTtl() : key.contains("@") ? settings.digestTtl() : settings.tagTtl();
            return d.toNanos();
        }

        @Override
        public long expireAfterCreate(String key, Lookup value, long currentTime) {
            return ttl(key, value);
        }

        @Override
        public long expireAfterUpdate(String key, Lookup value, long currentTime, long currentDuration) {
            return ttl(key, value);
        }

        @Override
        public long expireAfterRead(String key, Lookup value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
