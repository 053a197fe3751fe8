package dev.osfit.registry;

import dev.osfit.image.ImageRef;
import dev.osfit.platform.Platform;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an image's platforms from its registry with the OCI distribution API v2, without blocking:
 * {@code GET /v2/<name>/manifests/<reference>} asking for an index first, then, for a single
 * manifest, its config blob. Registries that answer 401 with a Bearer challenge get a token from
 * the realm (anonymously, or with the registry's credentials from the docker config); Basic
 * challenges get the credentials directly.
 *
 * <p>Safety: plain HTTP only for hosts in {@code insecure}, certificates verified otherwise (plus an
 * optional CA bundle); every connection goes through {@link GuardedResolverGroup}; bodies are capped
 * (the connection is closed rather than a body read that osfit does not want),
 * redirects counted, connect and read times bounded. The client runs on event loops of its own, so
 * registry I/O never competes with the extender's request loops. Credentials are never logged.
 */
public final class RegistryClient implements AutoCloseable {

    /** How a client is set up (from osfit.registry.*). */
    public record Settings(Set<String> insecure, Path caFile, Duration connectTimeout, Duration readTimeout,
                           int maxManifestBytes, int maxRedirects) {
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RegistryClient.class);
    static final String SOURCE = "registry";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Settings settings;
    private final RegistryCredentials credentials;
    private final LoopResources loops;
    private final HttpClient http;
    /** Error bodies up to this size are read (keeping the connection); larger or unsized ones close it. */
    private static final int SMALL_ERROR_BODY = 16 * 1024;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    record Token(String header, long expiresAtMillis) {
        @Override
        public String toString() {
            return "Token(***)";
        }
    }

    /** A registry's 401 with its challenge; handled by authenticating once. */
    private static final class AuthNeeded extends RuntimeException {
        final Challenge challenge;

        AuthNeeded(Challenge challenge) {
            super(null, null, false, false);
            this.challenge = challenge;
        }
    }

    record Fetched(byte[] body, String contentType, String digest) {
    }

    /** An image's platforms, and the digest the registry gave the manifest or index it read them from (null when none). */
    public record Resolved(List<Platform> platforms, String digest) {
    }

    /** {@code Docker-Content-Digest} as registries send it: a digest, nothing hostile-sized. */
    private static String digestHeader(io.netty.handler.codec.http.HttpHeaders headers) {
        String d = headers.get("Docker-Content-Digest");
        return d != null && d.length() <= 200 && d.matches("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+") ? d : null;
    }

    /**
     * A registry that answered 429: no request goes to it before this time (nanoTime), by host[:port]. Pods
     * choose the hosts, so it is bounded in count and an entry goes with its longest wait.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, Long> rateLimitedUntil = com.github.benmanes.caffeine.cache.Caffeine
            .newBuilder().maximumSize(10_000).expireAfterWrite(java.time.Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS)).build();
    /** Longest osfit honours a Retry-After (a registry could ask for days). */
    static final long MAX_RETRY_AFTER_SECONDS = 3600;
    /** Told of every answer: the registry host[:port] and the HTTP status (0: no answer). */
    private final java.util.function.ObjIntConsumer<String> answers;
    /** Where each image is asked for: mirrors, then its registry (or nowhere, when blocked). */
    private final RegistryHosts hosts;
    /** The kubelet's credential provider plugins, or null when none are configured. */
    private final CredentialProviders providers;
    /** The client with an endpoint's own TLS settings (a mirror's CA, or no verification), by its context. */
    private final Map<SslContext, HttpClient> tlsClients = new ConcurrentHashMap<>();

    public RegistryClient(Settings settings, RegistryPolicy policy, RegistryCredentials credentials) {
        this(settings, policy, credentials, (host, status) -> { });
    }

    RegistryClient(Settings settings, RegistryPolicy policy, RegistryCredentials credentials,
                   java.util.function.ObjIntConsumer<String> answers) {
        this(settings, policy, credentials, answers, RegistryHosts.direct(settings.insecure()), null);
    }

    RegistryClient(Settings settings, RegistryPolicy policy, RegistryCredentials credentials,
                   java.util.function.ObjIntConsumer<String> answers, RegistryHosts hosts, CredentialProviders providers) {
        this.answers = answers;
        this.hosts = hosts;
        this.providers = providers;
        this.settings = settings;
        this.credentials = credentials;
        this.loops = LoopResources.create("osfit-registry", 2, true);
        HttpClient http = HttpClient.create(ConnectionProvider.builder("osfit-registry").maxConnections(64)
                        .maxIdleTime(Duration.ofSeconds(30)).pendingAcquireTimeout(settings.readTimeout()).build())
                .runOn(loops, false)
                .resolver(new GuardedResolverGroup(new DnsAddressResolverGroup(
                        new DnsNameResolverBuilder().datagramChannelType(NioDatagramChannel.class)), policy))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .responseTimeout(settings.readTimeout())
                .followRedirect((request, response) -> {
                    int code = response.status().code();
                    if (code < 300 || code >= 400 || request.redirectedFrom().length >= settings.maxRedirects()) {
                        return false;
                    }
                    // Never from HTTPS to plain HTTP, unless the target host is one the admin listed as insecure.
                    String location = response.responseHeaders().get(HttpHeaderNames.LOCATION);
                    return location == null || plainHttpAllowed(URI.create(request.resourceUrl()).resolve(location));
                });
        if (settings.caFile() != null) {
            SslContext ssl = RegistryTls.trusting(List.of(settings.caFile()));
            http = http.secure(spec -> spec.sslContext(ssl));
        }
        this.http = http;
    }

    /** The platforms the image is published for. Fails with a {@link RegistryException}. */
    public Mono<List<Platform>> platforms(ImageRef ref) {
        return resolve(ref).map(Resolved::platforms);
    }

    /**
     * The digest the registry has for the reference now, from a {@code HEAD} of its manifest (no body read):
     * a cached tag whose digest is unchanged needs no new fetch. Empty when the registry names none.
     */
    public Mono<String> digest(ImageRef ref) {
        return digest(ref, null);
    }

    /** The same, with the pull credential of the pod that asked (null: none), for the image's own registry. */
    Mono<String> digest(ImageRef ref, RegistryCredentials.Basic podCredential) {
        return acrossEndpoints(ref, endpoint -> authorized(HttpMethod.HEAD, endpoint.manifest(reference(ref)), ManifestParser.ACCEPT, endpoint, ref, podCredential)
                .flatMap(f -> Mono.justOrEmpty(f.digest())));
    }

    /** The platforms and the digest of what they were read from. Fails with a {@link RegistryException}. */
    public Mono<Resolved> resolve(ImageRef ref) {
        return resolve(ref, null);
    }

    /** The same, with the pull credential of the pod that asked (null: none), for the image's own registry. */
    Mono<Resolved> resolve(ImageRef ref, RegistryCredentials.Basic podCredential) {
        return acrossEndpoints(ref, endpoint -> authorized(HttpMethod.GET, endpoint.manifest(reference(ref)), ManifestParser.ACCEPT, endpoint, ref, podCredential)
                .flatMap(m -> {
                    ManifestParser.Parsed parsed = ManifestParser.manifest(m.body(), m.contentType());
                    if (parsed.platforms() != null) {
                        return Mono.just(new Resolved(parsed.platforms(), m.digest()));
                    }
                    return authorized(HttpMethod.GET, endpoint.blob(parsed.configDigest()), "application/json, */*", endpoint, ref, podCredential)
                            .map(c -> new Resolved(ManifestParser.config(c.body()), m.digest()));
                }));
    }

    private static String reference(ImageRef ref) {
        return ref.digest() != null ? ref.digest() : ref.tag();
    }

    /**
     * Asks the image's endpoints in order (its mirrors, then its registry) and takes the first answer, as
     * containerd and CRI-O do: tags go to endpoints that may resolve, digests to those that may pull. The
     * error names every endpoint tried and why it failed; its kind is the last one's.
     */
    private <T> Mono<T> acrossEndpoints(ImageRef ref, java.util.function.Function<Endpoint, Mono<T>> call) {
        RegistryHosts.Route route = hosts.route(ref);
        if (route.blocked() != null) {
            return Mono.error(new RegistryException(RegistryException.Kind.BLOCKED, route.blocked()));
        }
        boolean byDigest = ref.digest() != null;
        List<Endpoint> endpoints = route.endpoints().stream().filter(e -> byDigest ? e.pull() : e.resolve()).toList();
        if (endpoints.isEmpty()) {
            return Mono.error(new RegistryException(RegistryException.Kind.BLOCKED, "no configured host of " + ref.registry()
                    + " may " + (byDigest ? "pull" : "resolve tags")));
        }
        return attempt(endpoints, 0, call, new StringBuilder());
    }

    private <T> Mono<T> attempt(List<Endpoint> endpoints, int i, java.util.function.Function<Endpoint, Mono<T>> call, StringBuilder tried) {
        Endpoint endpoint = endpoints.get(i);
        return Mono.defer(() -> call.apply(endpoint))
                .timeout(settings.readTimeout().multipliedBy(2))
                .onErrorMap(e -> !(e instanceof RegistryException), RegistryClient::classify)
                .onErrorResume(RegistryException.class, e -> {
                    if (!tried.isEmpty()) {
                        tried.append("; ");
                    }
                    tried.append(endpoint.describe()).append(": ").append(e.getMessage());
                    if (i + 1 < endpoints.size()) {
                        log.debug("{} failed for {}: {}; trying {}", endpoint.describe(), endpoint.repository(), e.getMessage(),
                                endpoints.get(i + 1).describe());
                        return attempt(endpoints, i + 1, call, tried);
                    }
                    return Mono.error(new RegistryException(e.kind(), tried.toString()));
                });
    }

    /** Docker Hub's API lives at registry-1.docker.io. */
    static String apiHost(String registry) {
        return registry.equals(ImageRef.DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    private Mono<Fetched> authorized(HttpMethod method, URI uri, String accept, Endpoint endpoint, ImageRef ref,
                                     RegistryCredentials.Basic podCredential) {
        String key = endpoint.authority() + "|" + endpoint.repository();
        Token cached = tokens.get(key);
        String header = cached != null && cached.expiresAtMillis() > System.currentTimeMillis() ? cached.header() : null;
        return request(method, uri, accept, header, endpoint)
                .onErrorResume(AuthNeeded.class, needed -> authenticate(needed.challenge, endpoint, ref, key, podCredential)
                        .flatMap(auth -> request(method, uri, accept, auth, endpoint))
                        .onErrorMap(AuthNeeded.class, again -> new RegistryException(RegistryException.Kind.UNAUTHORIZED,
                                "registry " + endpoint.authority() + " refused the credentials for " + endpoint.repository())));
    }

    /**
     * The credentials for an endpoint: a mirror gets those stored for its own host only, never the image's
     * registry's; the image's registry the asking pod's pull secret's, else the docker config's, else a
     * credential provider plugin's (the kubelet also tries the pod's secrets first).
     */
    private Mono<RegistryCredentials.Basic> credentialsFor(Endpoint endpoint, ImageRef ref, RegistryCredentials.Basic podCredential) {
        if (podCredential != null && !endpoint.mirror()) {
            return Mono.just(podCredential);
        }
        RegistryCredentials.Basic stored = credentials.forRegistry(endpoint.credentialKey());
        if (stored != null || endpoint.mirror() || providers == null) {
            return Mono.justOrEmpty(stored);
        }
        return providers.credentials(ref);
    }

    private Mono<String> authenticate(Challenge challenge, Endpoint endpoint, ImageRef ref, String key, RegistryCredentials.Basic podCredential) {
        return credentialsFor(endpoint, ref, podCredential).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> authenticate(challenge, endpoint, key, found.orElse(null)));
    }

    private Mono<String> authenticate(Challenge challenge, Endpoint endpoint, String key, RegistryCredentials.Basic basic) {
        if (challenge != null && challenge.bearer() && challenge.param("realm") != null) {
            UriComponentsBuilder token = UriComponentsBuilder.fromUriString(challenge.param("realm"));
            if (challenge.param("service") != null) {
                token.queryParam("service", challenge.param("service"));
            }
            token.queryParam("scope", "repository:" + endpoint.repository() + ":pull");
            URI realm = token.encode().build().toUri();
            if (!"https".equals(realm.getScheme()) && !"http".equals(realm.getScheme())) {
                return Mono.error(new RegistryException(RegistryException.Kind.MALFORMED, "token realm is not an http(s) URL"));
            }
            if (!plainHttpAllowed(realm)) {
                // Credentials would travel in the clear: a TLS registry does not get to downgrade them.
                return Mono.error(new RegistryException(RegistryException.Kind.INSECURE, "token realm " + realm.getHost()
                        + " is plain HTTP and not listed in osfit.registry.insecure"));
            }
            return request(HttpMethod.GET, realm, "application/json", basic == null ? null : "Basic " + basic.encoded(), null)
                    .onErrorMap(AuthNeeded.class, e -> new RegistryException(RegistryException.Kind.UNAUTHORIZED,
                            "token service of " + endpoint.authority() + " refused " + (basic == null ? "an anonymous token" : "the credentials")))
                    .map(f -> {
                        JsonNode t = JSON.readTree(f.body());
                        String value = t.hasNonNull("token") ? t.get("token").asString() : t.path("access_token").asString(null);
                        if (value == null || value.isEmpty()) {
                            throw new RegistryException(RegistryException.Kind.MALFORMED, "token service answered no token");
                        }
                        long ttl = Math.max(30, t.path("expires_in").asLong(60)) - 10;
                        String header = "Bearer " + value;
                        tokens.put(key, new Token(header, System.currentTimeMillis() + ttl * 1000));
                        return header;
                    });
        }
        if (challenge != null && challenge.basic() && basic != null) {
            return Mono.just("Basic " + basic.encoded());
        }
        return Mono.error(new RegistryException(RegistryException.Kind.UNAUTHORIZED, "registry " + endpoint.authority()
                + " needs credentials for " + endpoint.repository() + " and osfit.registry.docker-config has none"));
    }

    /** One request; {@code endpoint} (null for token services) chooses the TLS settings. */
    private Mono<Fetched> request(HttpMethod method, URI uri, String accept, String authorization, Endpoint endpoint) {
        String host = uri.getAuthority() == null ? "" : uri.getAuthority().toLowerCase(Locale.ROOT);
        Long until = rateLimitedUntil.getIfPresent(host);
        if (until != null) {
            long wait = until - System.nanoTime();
            if (wait > 0) {
                // Asked to wait: no request until then; the cache keeps the failure briefly and the fallbacks answer.
                return Mono.error(new RegistryException(RegistryException.Kind.RATE_LIMITED, "registry " + host
                        + " rate limit (429, or RateLimit-Remaining 0): waiting " + (TimeUnit.NANOSECONDS.toSeconds(wait) + 1)
                        + " s more, as its Retry-After or RateLimit-Reset asked"));
            }
            rateLimitedUntil.asMap().remove(host, until);
        }
        HttpClient base = http;
        if (endpoint != null && endpoint.ssl() != null) {
            if (tlsClients.size() > 256) {
                tlsClients.clear(); // contexts come from configuration reloads: old ones go
            }
            base = tlsClients.computeIfAbsent(endpoint.ssl(), ssl -> http.secure(spec -> spec.sslContext(ssl)));
        }
        HttpClient client = base.headers(h -> {
            h.set(HttpHeaderNames.ACCEPT, accept);
            if (authorization != null) {
                h.set(HttpHeaderNames.AUTHORIZATION, authorization);
            }
        });
        return (method == HttpMethod.HEAD ? client.head() : client.get()).uri(uri)
                .responseConnection((response, connection) -> {
                    int status = response.status().code();
                    answers.accept(host, status);
                    if (status == 429) {
                        rateLimitedUntil.put(host, System.nanoTime() + TimeUnit.SECONDS.toNanos(retryAfterSeconds(response.responseHeaders())));
                    } else if (exhausted(response.responseHeaders())) {
                        // This answer was the last the registry allows (Docker Hub: "ratelimit-remaining: 0;w=21600"):
                        // wait as a 429 would make osfit wait, instead of spending a request to be told.
                        rateLimitedUntil.put(host, System.nanoTime() + TimeUnit.SECONDS.toNanos(resetSeconds(response.responseHeaders())));
                    }
                    return method == HttpMethod.HEAD && status / 100 == 2
                            ? Mono.just(new Fetched(new byte[0], null, digestHeader(response.responseHeaders())))
                            : handle(response, connection);
                })
                .next()
                .doOnError(e -> !(e instanceof RegistryException) && !(e instanceof AuthNeeded), e -> answers.accept(host, 0));
    }

    /**
     * Reads a 2xx body up to the manifest cap; any other answer becomes its error. A body osfit does not
     * want (over the cap, or an error page of unknown or large size) is not read: the connection is
     * closed, since a registry can send a body without end and reading it would last until the timeout.
     */
    private Mono<Fetched> handle(HttpClientResponse response, Connection connection) {
        int code = response.status().code();
        io.netty.handler.codec.http.HttpHeaders headers = response.responseHeaders();
        long length = contentLength(headers);
        if (code >= 200 && code < 300) {
            if (length > settings.maxManifestBytes()) {
                return closed(connection, tooLarge());
            }
            return body(connection, length).map(b -> new Fetched(b, headers.get(HttpHeaderNames.CONTENT_TYPE), digestHeader(headers)));
        }
        RuntimeException error = switch (code) {
            case 401 -> new AuthNeeded(Challenge.parse(headers.get(HttpHeaderNames.WWW_AUTHENTICATE)));
            case 403 -> new RegistryException(RegistryException.Kind.FORBIDDEN, "registry answered 403 Forbidden");
            case 404 -> new RegistryException(RegistryException.Kind.NOT_FOUND, "no such image in the registry (404)");
            case 429 -> new RegistryException(RegistryException.Kind.RATE_LIMITED, "registry rate limit (429)");
            default -> code >= 300 && code < 400
                    ? redirectRefused(URI.create(response.resourceUrl()), headers.get(HttpHeaderNames.LOCATION))
                    : new RegistryException(RegistryException.Kind.SERVER_ERROR, "registry answered " + code);
        };
        if (length >= 0 && length <= SMALL_ERROR_BODY) {
            // A short error page is read and dropped, so the connection can serve the next request (after a 401, the retry).
            return connection.inbound().receive().then(Mono.error(error));
        }
        return closed(connection, error);
    }

    /** Whether the registry says no request is left in its window: RateLimit-Remaining (Docker Hub's, or the IETF draft's) is 0. */
    static boolean exhausted(io.netty.handler.codec.http.HttpHeaders headers) {
        String value = headers.get("RateLimit-Remaining");
        if (value == null) {
            return false;
        }
        String count = value.split(";", 2)[0].trim();
        return count.equals("0");
    }

    /** When an exhausted window resets: RateLimit-Reset (seconds), else as a Retry-After would say, else 60 s; at most an hour. */
    static long resetSeconds(io.netty.handler.codec.http.HttpHeaders headers) {
        String reset = headers.get("RateLimit-Reset");
        if (reset != null) {
            try {
                return Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, Long.parseLong(reset.split(";", 2)[0].trim())));
            } catch (NumberFormatException unreadable) {
                // fall through
            }
        }
        return retryAfterSeconds(headers);
    }

    /** Retry-After in seconds or as an HTTP date; 60 s when absent or unreadable; at most an hour. */
    static long retryAfterSeconds(io.netty.handler.codec.http.HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.RETRY_AFTER);
        long seconds = 60;
        if (value != null) {
            try {
                seconds = Long.parseLong(value.trim());
            } catch (NumberFormatException notSeconds) {
                try {
                    seconds = java.time.Duration.between(java.time.Instant.now(),
                            java.time.ZonedDateTime.parse(value.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()).toSeconds();
                } catch (java.time.format.DateTimeParseException unreadable) {
                    seconds = 60;
                }
            }
        }
        return Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, seconds));
    }

    private static long contentLength(io.netty.handler.codec.http.HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null || headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not a length osfit will read to
        }
    }

    private static <T> Mono<T> closed(Connection connection, Throwable error) {
        connection.dispose();
        return Mono.error(error);
    }

    /** The body, failing as too large (and closing the connection) as soon as it passes the cap. */
    private Mono<byte[]> body(Connection connection, long length) {
        int max = settings.maxManifestBytes();
        return Mono.defer(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(length >= 0 ? (int) length : 8192);
            return connection.inbound().receive()
                    .doOnNext(buf -> {
                        int n = buf.readableBytes();
                        if (out.size() + n > max) {
                            throw tooLarge();
                        }
                        byte[] bytes = new byte[n];
                        buf.readBytes(bytes);
                        out.write(bytes, 0, n);
                    })
                    // A body cut short is not read on: the connection goes.
                    .doOnError(e -> connection.dispose())
                    .then(Mono.fromSupplier(out::toByteArray));
        });
    }

    /** A redirect that was not followed: too many, or to plain HTTP. */
    private RegistryException redirectRefused(URI from, String locationHeader) {
        URI location = null;
        try {
            location = locationHeader == null ? null : from.resolve(locationHeader);
        } catch (IllegalArgumentException unreadable) {
            // reported as a redirect not followed
        }
        if (location != null && !plainHttpAllowed(location)) {
            return new RegistryException(RegistryException.Kind.INSECURE, "registry redirected to plain HTTP (" + location.getHost()
                    + ", not listed in osfit.registry.insecure)");
        }
        return new RegistryException(RegistryException.Kind.NETWORK, "too many redirects (more than " + settings.maxRedirects() + ")");
    }

    /** HTTPS always; plain HTTP only to hosts (host or host:port) listed in osfit.registry.insecure. */
    private boolean plainHttpAllowed(URI uri) {
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            return true;
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        String authority = uri.getPort() > 0 ? host + ":" + uri.getPort() : host;
        return settings.insecure().contains(host) || settings.insecure().contains(authority) || hosts.plainHttp(authority);
    }

    private RegistryException tooLarge() {
        return new RegistryException(RegistryException.Kind.TOO_LARGE, "manifest larger than " + settings.maxManifestBytes() + " bytes");
    }

    static RegistryException classify(Throwable e) {
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof GuardedResolverGroup.RefusedAddressException refused) {
                return new RegistryException(RegistryException.Kind.REFUSED, refused.getMessage());
            }
            if (cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.ReadTimeoutException
                    || cause instanceof io.netty.channel.ConnectTimeoutException) {
                return new RegistryException(RegistryException.Kind.TIMEOUT, "registry did not answer in time");
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.UnknownHostException) {
                return new RegistryException(RegistryException.Kind.NETWORK, "DNS has no address for the registry (UnknownHostException)");
            }
            if (c instanceof java.net.ConnectException) {
                return new RegistryException(RegistryException.Kind.NETWORK, "cannot reach the registry: connection refused or unreachable ("
                        + c.getClass().getSimpleName() + ")");
            }
            if (c instanceof javax.net.ssl.SSLException) {
                String detail = c.getMessage() == null ? "" : ": " + c.getMessage().replaceAll("[^\\x20-\\x7e]", "?");
                return new RegistryException(RegistryException.Kind.NETWORK, "TLS with the registry failed (" + c.getClass().getSimpleName()
                        + (detail.length() > 160 ? detail.substring(0, 160) + "..." : detail) + ")");
            }
        }
        return new RegistryException(RegistryException.Kind.NETWORK, "registry request failed (" + e.getClass().getSimpleName() + ")");
    }

    @Override
    public void close() {
        loops.dispose();
        if (providers != null) {
            providers.close();
        }
    }
}
