package dev.osfit.registry;

import dev.osfit.image.ImageRef;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * CRI-O's and podman's {@code registries.conf} (version 2), as containers/image reads it:
 *
 * <pre>
 * [[registry]]
 * prefix = "example.com/foo"                 # longest match wins; "*.example.com" matches subdomains
 * location = "internal.example.com/bar"      # replaces the prefix (default: the prefix itself)
 * insecure = false                           # true: HTTPS without verification, then plain HTTP
 * blocked = false                            # true: images under the prefix are never pulled
 * mirror-by-digest-only = false
 * [[registry.mirror]]                        # tried first, in order
 * location = "mirror.example.com/foo"
 * insecure = false
 * pull-from-mirror = "all"                   # all, digest-only or tag-only
 * </pre>
 *
 * Not read: version 1's tables, {@code registries.conf.d} drop-ins, short-name settings (kubelet
 * passes fully qualified names).
 */
final class RegistriesConf implements RegistryHosts {

    private static final Logger log = LoggerFactory.getLogger(RegistriesConf.class);
    private static final TomlMapper TOML = TomlMapper.builder().build();

    /** A location: host[:port] and the path that replaces the prefix. */
    record Location(String authority, String path, boolean insecure, String pullFrom) {
    }

    record Entry(String prefix, boolean wildcard, Location location, boolean blocked, List<Location> mirrors) {
    }

    record State(String fingerprint, List<Entry> entries, Set<String> configured, Set<String> plainHttp) {
    }

    private final Path file;
    private final Set<String> insecureHosts;
    private final SslContext unverified;
    private volatile State state;

    RegistriesConf(Path file, Set<String> insecureHosts) {
        this.file = file;
        this.insecureHosts = insecureHosts;
        this.unverified = RegistryTls.forHost(null, List.of(), true);
        try {
            this.state = read(fingerprint());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("osfit.registry.registries-conf " + file + ": " + e.getMessage(), e);
        }
        log.info("registry hosts from {}: {} entries", file, state.entries().size());
    }

    void refresh() {
        String now = fingerprint();
        if (now.equals(state.fingerprint())) {
            return;
        }
        try {
            state = read(now);
            log.info("registry hosts from {} reloaded: {} entries", file, state.entries().size());
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read {}: {}; keeping what was read before", file, e.getMessage());
            state = new State(now, state.entries(), state.configured(), state.plainHttp());
        }
    }

    @Override
    public Route route(ImageRef ref) {
        String registry = ref.registry().toLowerCase(Locale.ROOT);
        String name = registry + "/" + ref.repository();
        Entry match = null;
        for (Entry e : state.entries()) {
            if (matches(e, registry, name) && (match == null || e.prefix().length() > match.prefix().length())) {
                match = e;
            }
        }
        if (match == null) {
            return Route.of(List.of(RegistryHosts.upstream(ref, insecureHosts, null)));
        }
        if (match.blocked()) {
            return Route.blockedBy("registry " + match.prefix() + " is blocked in " + file.getFileName());
        }
        boolean byDigest = ref.digest() != null;
        String rest = match.wildcard() ? "" : name.substring(match.prefix().length());
        List<Endpoint> endpoints = new ArrayList<>();
        for (Location m : match.mirrors()) {
            if (m.pullFrom().equals("digest-only") && !byDigest || m.pullFrom().equals("tag-only") && byDigest) {
                continue;
            }
            add(endpoints, m, rest, true, ref);
        }
        if (match.wildcard() || match.location() == null) {
            Endpoint up = RegistryHosts.upstream(ref, insecureHosts, null);
            endpoints.add(up);
        } else {
            add(endpoints, match.location(), rest, false, ref);
        }
        return Route.of(endpoints);
    }

    private void add(List<Endpoint> out, Location l, String rest, boolean mirror, ImageRef ref) {
        String repo = (l.path() + rest).replaceAll("^/+", "");
        String authority = RegistryClient.apiHost(l.authority());
        if (!l.path().isEmpty() || !rest.isEmpty()) {
            // docker.io/nginx is docker.io/library/nginx: a location on Docker Hub with a one-part path gets library/.
            if (l.authority().equals(ImageRef.DOCKER_HUB) && repo.indexOf('/') < 0) {
                repo = "library/" + repo;
            }
        }
        String ns = mirror ? ref.registry() : null;
        if (l.insecure()) {
            // containers/image: HTTPS without verification first, then plain HTTP.
            out.add(new Endpoint("https", authority, "/v2", repo, mirror, true, true, ns, l.authority(), unverified));
            out.add(new Endpoint("http", authority, "/v2", repo, mirror, true, true, ns, l.authority(), null));
        } else {
            String scheme = insecureHosts.contains(l.authority()) ? "http" : "https";
            out.add(new Endpoint(scheme, authority, "/v2", repo, mirror, true, true, ns, l.authority(), null));
        }
    }

    static boolean matches(Entry e, String registry, String name) {
        if (e.wildcard()) {
            return registry.endsWith(e.prefix().substring(1)) && registry.length() > e.prefix().length() - 1;
        }
        return name.equals(e.prefix()) || name.startsWith(e.prefix() + "/");
    }

    @Override
    public boolean configured(String host, int port) {
        Set<String> c = state.configured();
        String h = host.toLowerCase(Locale.ROOT);
        return c.contains(h) || port > 0 && c.contains(h + ":" + port);
    }

    @Override
    public boolean plainHttp(String authority) {
        return state.plainHttp().contains(authority.toLowerCase(Locale.ROOT));
    }

    private String fingerprint() {
        try {
            return Files.getLastModifiedTime(file).toMillis() + "|" + Files.size(file);
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private State read(String fingerprint) throws IOException {
        JsonNode doc = TOML.readTree(ContainerdHosts.readBounded(file));
        if (doc.has("registries")) {
            throw new IllegalArgumentException("version 1 tables ([registries.*]) are not read; use [[registry]] (version 2)");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> configured = new HashSet<>();
        Set<String> plainHttp = new HashSet<>();
        for (JsonNode r : doc.path("registry")) {
            String location = r.path("location").asString("").trim().toLowerCase(Locale.ROOT);
            String prefix = r.path("prefix").asString("").trim().toLowerCase(Locale.ROOT);
            if (prefix.isEmpty()) {
                prefix = location;
            }
            if (prefix.isEmpty()) {
                throw new IllegalArgumentException("a [[registry]] has neither prefix nor location");
            }
            boolean wildcard = prefix.startsWith("*.");
            if (wildcard && (!location.isEmpty() || prefix.indexOf('/') >= 0)) {
                throw new IllegalArgumentException("wildcard prefix " + prefix + " takes no location and no path");
            }
            boolean insecure = r.path("insecure").asBoolean(false);
            boolean digestOnly = r.path("mirror-by-digest-only").asBoolean(false);
            List<Location> mirrors = new ArrayList<>();
            for (JsonNode m : r.path("mirror")) {
                String pullFrom = m.path("pull-from-mirror").asString(digestOnly ? "digest-only" : "all");
                if (!List.of("all", "digest-only", "tag-only").contains(pullFrom)) {
                    throw new IllegalArgumentException("pull-from-mirror must be all, digest-only or tag-only, was " + pullFrom);
                }
                Location l = location(m.path("location").asString(""), m.path("insecure").asBoolean(false), pullFrom);
                mirrors.add(l);
                note(l, configured, plainHttp);
            }
            Location primary = wildcard ? null : location(location.isEmpty() ? prefix : location, insecure, "all");
            if (primary != null && !location.isEmpty()) {
                note(primary, configured, plainHttp);
            }
            entries.add(new Entry(prefix, wildcard, primary, r.path("blocked").asBoolean(false), List.copyOf(mirrors)));
        }
        entries.sort(Comparator.comparing(Entry::prefix));
        return new State(fingerprint, List.copyOf(entries), Set.copyOf(configured), Set.copyOf(plainHttp));
    }

    private static void note(Location l, Set<String> configured, Set<String> plainHttp) {
        configured.add(l.authority());
        if (l.insecure()) {
            plainHttp.add(l.authority());
        }
    }

    private static Location location(String value, boolean insecure, String pullFrom) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.contains("://")) {
            throw new IllegalArgumentException("a location is host[:port][/path] without a scheme, was '" + value + "'");
        }
        int slash = v.indexOf('/');
        return new Location(slash < 0 ? v : v.substring(0, slash), slash < 0 ? "" : v.substring(slash), insecure, pullFrom);
    }
}
