package dev.osfit.registry;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.osfit.image.ImageRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The kubelet's image credential provider plugins, run as the kubelet runs them: a
 * {@code CredentialProviderConfig} ({@code kubelet.config.k8s.io/v1}) names each plugin, the images it
 * serves ({@code matchImages}), its {@code args}, {@code env} and {@code defaultCacheDuration}; the
 * plugin (an executable of that name in the bin directory) reads a {@code CredentialProviderRequest}
 * on stdin and writes a {@code CredentialProviderResponse} with {@code auth} entries, a
 * {@code cacheKeyType} (Image, Registry or Global) and an optional {@code cacheDuration}. So
 * {@code ecr-credential-provider}, {@code acr-credential-provider} and GCP's plugin work unchanged.
 *
 * <p>A plugin runs only when a registry asks for credentials, off the event loops, at most
 * {@link #TIMEOUT} (then it is killed); its answer is cached as it says (a duration of 0: not
 * cached), a failure for {@link #FAILURE_TTL}; concurrent lookups of one cache key share one run. What
 * it writes is read up to {@link #MAX_OUTPUT} bytes and never logged.
 */
final class CredentialProviders implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CredentialProviders.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Duration FAILURE_TTL = Duration.ofSeconds(10);
    static final int MAX_OUTPUT = 1 << 20;
    /** Plugin runs that may wait for one of the two runners. */
    static final int QUEUE = 256;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> CONFIG_VERSIONS = List.of("kubelet.config.k8s.io/v1", "kubelet.config.k8s.io/v1beta1",
            "kubelet.config.k8s.io/v1alpha1");
    private static final List<String> PLUGIN_VERSIONS = List.of("credentialprovider.kubelet.k8s.io/v1",
            "credentialprovider.kubelet.k8s.io/v1beta1", "credentialprovider.kubelet.k8s.io/v1alpha1");

    record Provider(String name, Path executable, List<String> matchImages, Duration defaultCacheDuration, String apiVersion,
                    List<String> args, Map<String, String> env) {
    }

    /** What a run gave: credentials by key (most specific first), or why there are none. */
    record Answer(Map<String, RegistryCredentials.Basic> auth, Duration cacheFor, String scope, String error) {
        @Override
        public String toString() {
            return error != null ? "Answer(error)" : "Answer(" + auth.size() + " keys)";
        }
    }

    private final List<Provider> providers;
    /** The longest one plugin run may take; then it is killed. */
    private final Duration timeout;
    private final ExecutorService runner;
    /** Reads a running plugin's stdout and stderr: two per run, and at most two runs at once. */
    private final ExecutorService readers;
    private final AsyncCache<String, Answer> cache;
    /** Told of every run: the provider's name and its outcome (ok, failed, timeout). */
    private final BiConsumer<String, String> runs;

    CredentialProviders(Path config, Path binDir, BiConsumer<String, String> runs) {
        this(config, binDir, runs, TIMEOUT);
    }

    CredentialProviders(Path config, Path binDir, BiConsumer<String, String> runs, Duration timeout) {
        this.timeout = timeout;
        this.providers = parse(config, binDir);
        this.runs = runs;
        // Two runs at once, at most QUEUE waiting: pods choose the images, so the runs waiting must be bounded too.
        this.runner = new java.util.concurrent.ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(QUEUE),
                task -> {
                    Thread t = new Thread(task, "osfit-credential-provider");
                    t.setDaemon(true);
                    return t;
                });
        this.readers = java.util.concurrent.Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "osfit-credential-provider-io");
            t.setDaemon(true);
            return t;
        });
        this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfter(new Expiry<String, Answer>() {
            @Override
            public long expireAfterCreate(String key, Answer value, long currentTime) {
                return value.cacheFor().toNanos();
            }

            @Override
            public long expireAfterUpdate(String key, Answer value, long currentTime, long currentDuration) {
                return value.cacheFor().toNanos();
            }

            @Override
            public long expireAfterRead(String key, Answer value, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).executor(runner).buildAsync();
        for (Provider p : providers) {
            if (!Files.isExecutable(p.executable())) {
                log.warn("credential provider {}: {} is not an executable file; images it serves get no credentials from it",
                        p.name(), p.executable());
            }
        }
        log.info("credential providers: {}", providers.stream().map(p -> p.name() + " " + p.matchImages()).toList());
    }

    /**
     * Credentials for the image from the first provider that serves it and answers with a matching key,
     * or empty. Never fails: a plugin that fails or hangs is logged and counted, and the lookup goes on
     * anonymously.
     */
    Mono<RegistryCredentials.Basic> credentials(ImageRef ref) {
        String image = ref.registry().toLowerCase(Locale.ROOT) + "/" + ref.repository();
        List<Provider> serving = providers.stream().filter(p -> p.matchImages().stream().anyMatch(m -> ImageMatch.matches(m, image))).toList();
        return reactor.core.publisher.Flux.fromIterable(serving)
                .concatMap(p -> Mono.fromFuture(() -> answer(p, ref))
                        .flatMap(a -> Mono.justOrEmpty(a.auth().entrySet().stream()
                                .filter(e -> ImageMatch.matches(e.getKey(), image)).map(Map.Entry::getValue).findFirst())))
                .next();
    }

    private CompletableFuture<Answer> answer(Provider p, ImageRef ref) {
        String image = ref.original();
        // The cache key as the plugin's last answer for this image said; the image itself until one came.
        for (String key : List.of(p.name() + "|global", p.name() + "|registry|" + ref.registry(), p.name() + "|image|" + image)) {
            CompletableFuture<Answer> hit = cache.getIfPresent(key);
            if (hit != null && hit.isDone() && !hit.isCompletedExceptionally()) {
                return hit;
            }
        }
        try {
            return load(p, ref, image);
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            runs.accept(p.name(), "rejected");
            return CompletableFuture.completedFuture(new Answer(Map.of(), Duration.ZERO, "image",
                    "more than " + QUEUE + " runs waiting; this lookup goes on without credentials"));
        }
    }

    private CompletableFuture<Answer> load(Provider p, ImageRef ref, String image) {
        return cache.get(p.name() + "|image|" + image, (key, executor) -> CompletableFuture.supplyAsync(() -> run(p, image), executor)
                .thenApply(answer -> {
                    if (answer.error() == null) {
                        String scoped = scopedKey(p, ref, answer);
                        if (!scoped.equals(key) && !answer.cacheFor().isZero()) {
                            cache.put(scoped, CompletableFuture.completedFuture(answer));
                        }
                    }
                    return answer;
                }));
    }

    private static String scopedKey(Provider p, ImageRef ref, Answer answer) {
        return switch (answer.scope()) {
            case "global" -> p.name() + "|global";
            case "registry" -> p.name() + "|registry|" + ref.registry();
            default -> p.name() + "|image|" + ref.original();
        };
    }

    /** Runs the plugin once; every failure becomes an answer with the error, cached briefly. */
    Answer run(Provider p, String image) {
        long started = System.nanoTime();
        Process process = null;
        try {
            List<String> command = new ArrayList<>();
            command.add(p.executable().toString());
            command.addAll(p.args());
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE);
            builder.environment().putAll(p.env());
            process = builder.start();
            byte[] request = JSON.writeValueAsBytes(Map.of("apiVersion", p.apiVersion(), "kind", "CredentialProviderRequest", "image", image));
            try (OutputStream in = process.getOutputStream()) {
                in.write(request);
            } catch (IOException closedEarly) {
                // a plugin may exit without reading; its output says what it thinks
            }
            Process running = process;
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readBounded(running.getInputStream(), MAX_OUTPUT, false), readers);
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readBounded(running.getErrorStream(), 4096, true), readers);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                runs.accept(p.name(), "timeout");
                return failed(p, "did not answer within " + timeout.toMillis() + " ms and was stopped");
            }
            byte[] stdout = out.get(1, TimeUnit.SECONDS);
            if (process.exitValue() != 0) {
                String stderr = new String(err.get(1, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip().replaceAll("[^\\x20-\\x7e]", "?");
                runs.accept(p.name(), "failed");
                return failed(p, "exited with " + process.exitValue() + (stderr.isEmpty() ? "" : ": " + abbreviate(stderr)));
            }
            Answer answer = parseResponse(p, stdout);
            runs.accept(p.name(), answer.error() == null ? "ok" : "failed");
            if (answer.error() != null) {
                log.warn("credential provider {} for {}: {}", p.name(), image, answer.error());
            } else {
                log.debug("credential provider {} answered for {} in {} ms", p.name(), image, (System.nanoTime() - started) / 1_000_000);
            }
            return answer;
        } catch (IOException e) {
            runs.accept(p.name(), "failed");
            return failed(p, "cannot run " + p.executable() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(p, "interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            runs.accept(p.name(), "failed");
            return failed(p, "its output could not be read (" + e.getClass().getSimpleName() + ")");
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static Answer failed(Provider p, String why) {
        log.warn("credential provider {} {}", p.name(), why);
        return new Answer(Map.of(), FAILURE_TTL, "image", why);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Reads at most max bytes; more is refused (or, truncating, dropped), since a plugin's answer is a few hundred bytes. */
    private static byte[] readBounded(InputStream in, int max, boolean truncate) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > max) {
                    if (!truncate) {
                        throw new IllegalStateException("more than " + max + " bytes");
                    }
                    out.write(buf, 0, Math.max(0, max - out.size()));
                    continue;
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The plugin's CredentialProviderResponse, checked as the kubelet checks it. */
    Answer parseResponse(Provider p, byte[] stdout) {
        JsonNode r;
        try {
            r = JSON.readTree(stdout);
        } catch (RuntimeException e) {
            return new Answer(Map.of(), FAILURE_TTL, "image", "wrote no JSON response");
        }
        if (!p.apiVersion().equals(r.path("apiVersion").asString("")) || !"CredentialProviderResponse".equals(r.path("kind").asString(""))) {
            return new Answer(Map.of(), FAILURE_TTL, "image", "answered apiVersion '" + abbreviate(r.path("apiVersion").asString(""))
                    + "' kind '" + abbreviate(r.path("kind").asString("")) + "', not " + p.apiVersion() + " CredentialProviderResponse");
        }
        String type = r.path("cacheKeyType").asString("");
        String scope = switch (type) {
            case "Image" -> "image";
            case "Registry" -> "registry";
            case "Global" -> "global";
            default -> null;
        };
        if (scope == null) {
            return new Answer(Map.of(), FAILURE_TTL, "image", "answered cacheKeyType '" + abbreviate(type) + "', not Image, Registry or Global");
        }
        Duration cacheFor = p.defaultCacheDuration();
        if (r.hasNonNull("cacheDuration")) {
            try {
                cacheFor = goDuration(r.get("cacheDuration").asString(""));
            } catch (IllegalArgumentException e) {
                return new Answer(Map.of(), FAILURE_TTL, "image", "answered an unreadable cacheDuration");
            }
        }
        Map<String, RegistryCredentials.Basic> auth = new java.util.TreeMap<>(ImageMatch::compareSpecificFirst);
        for (Map.Entry<String, JsonNode> e : r.path("auth").properties()) {
            String user = e.getValue().path("username").asString("");
            String password = e.getValue().path("password").asString("");
            auth.put(e.getKey(), new RegistryCredentials.Basic(Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8))));
        }
        return new Answer(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(auth)), cacheFor, scope, null);
    }

    /** The providers of a CredentialProviderConfig file, as the kubelet validates them. */
    static List<Provider> parse(Path config, Path binDir) {
        JsonNode doc;
        try {
            doc = YAMLMapper.builder().build().readTree(ContainerdHosts.readBounded(config));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("osfit.registry.credential-provider-config " + config + ": " + e.getMessage(), e);
        }
        String where = "osfit.registry.credential-provider-config " + config + ": ";
        if (!CONFIG_VERSIONS.contains(doc.path("apiVersion").asString("")) || !"CredentialProviderConfig".equals(doc.path("kind").asString(""))) {
            throw new IllegalArgumentException(where + "not a CredentialProviderConfig of " + CONFIG_VERSIONS);
        }
        List<Provider> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (JsonNode p : doc.path("providers")) {
            String name = p.path("name").asString("");
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || !names.add(name)) {
                throw new IllegalArgumentException(where + "provider name '" + name + "' is empty, a path or repeated");
            }
            List<String> match = new ArrayList<>();
            p.path("matchImages").forEach(m -> match.add(m.asString("")));
            if (match.isEmpty()) {
                throw new IllegalArgumentException(where + "provider " + name + " has no matchImages");
            }
            if (!p.hasNonNull("defaultCacheDuration")) {
                throw new IllegalArgumentException(where + "provider " + name + " has no defaultCacheDuration");
            }
            Duration cache = goDuration(p.get("defaultCacheDuration").asString(""));
            String apiVersion = p.path("apiVersion").asString("");
            if (!PLUGIN_VERSIONS.contains(apiVersion)) {
                throw new IllegalArgumentException(where + "provider " + name + " apiVersion must be one of " + PLUGIN_VERSIONS);
            }
            List<String> args = new ArrayList<>();
            p.path("args").forEach(a -> args.add(a.asString("")));
            Map<String, String> env = new LinkedHashMap<>();
            p.path("env").forEach(e -> env.put(e.path("name").asString(""), e.path("value").asString("")));
            out.add(new Provider(name, binDir.resolve(name), List.copyOf(match), cache, apiVersion, List.copyOf(args), Map.copyOf(env)));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + "lists no providers");
        }
        return List.copyOf(out);
    }

    /** A Go duration as metav1.Duration writes it: "10m", "1h30m", "300ms", "0s", "0". */
    static Duration goDuration(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)").matcher(t);
        Duration total = Duration.ZERO;
        int at = 0;
        while (m.find() && m.start() == at) {
            double v = Double.parseDouble(m.group(1));
            long nanos = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            total = total.plusNanos((long) (v * nanos));
            at = m.end();
        }
        if (at == 0 || at != t.length()) {
            throw new IllegalArgumentException("not a duration: '" + abbreviate(t) + "'");
        }
        return total;
    }

    @Override
    public void close() {
        runner.shutdownNow();
        readers.shutdownNow();
    }
}
