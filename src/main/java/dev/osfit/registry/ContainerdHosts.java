package dev.osfit.registry;

import dev.osfit.image.ImageRef;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * containerd's registry host configuration: a directory in the {@code certs.d} layout
 * ({@code config_path}), one subdirectory per registry ({@code registry.example.com},
 * {@code host:port} or {@code host_port_}) and {@code _default} for the rest, each with a
 * {@code hosts.toml}:
 *
 * <pre>
 * server = "https://registry.example.com"        # the upstream, tried last (default: the registry itself)
 * [host."https://mirror.example.com"]             # tried first, in file order
 *   capabilities = ["pull", "resolve"]            # resolve: may answer tags; pull: digests and blobs
 *   ca = "mirror-ca.crt"                          # or a list; relative to the directory
 *   skip_verify = false
 *   override_path = false                         # true: the URL's path is the API root, no /v2 added
 * </pre>
 *
 * As containerd does: tags go to hosts that can resolve, digests to hosts that can pull, each in order,
 * the next tried when one fails; a mirror gets {@code ns=<registry>}; a directory without hosts.toml
 * (or with one that does not parse) means the registry itself, with the directory's {@code *.crt} as CAs.
 * Not read: {@code client} certificates, {@code header}, {@code dial_timeout}.
 */
final class ContainerdHosts implements RegistryHosts {

    private static final Logger log = LoggerFactory.getLogger(ContainerdHosts.class);
    private static final TomlMapper TOML = TomlMapper.builder().build();
    static final String DEFAULT_DIR = "_default";
    /** hosts.toml is the admin's, but a mounted file should still not make osfit read without end. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    /** One [host."..."] entry, or the root (server) entry: the upstream when authority is null. */
    record HostEntry(String scheme, String authority, String root, boolean resolve, boolean pull, SslContext ssl) {
    }

    /** What the directory held when last read: per subdirectory name, its hosts. */
    record State(String fingerprint, Map<String, List<HostEntry>> dirs, Set<String> configured, Set<String> plainHttp) {
    }

    private final Path root;
    private final Set<String> insecure;
    private final Path globalCa;
    private volatile State state;

    ContainerdHosts(Path root, Set<String> insecure, Path globalCa) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("osfit.registry.containerd-hosts-dir " + root + " is not a directory");
        }
        this.root = root;
        this.insecure = insecure;
        this.globalCa = globalCa;
        this.state = read(fingerprint());
        log.info("registry hosts from containerd's {}: {}", root, state.dirs().keySet());
    }

    /** Re-reads the directory when a file in it changed (called every few seconds off the request path). */
    void refresh() {
        String now = fingerprint();
        if (!now.equals(state.fingerprint())) {
            state = read(now);
            log.info("registry hosts from containerd's {} reloaded: {}", root, state.dirs().keySet());
        }
    }

    @Override
    public Route route(ImageRef ref) {
        String registry = ref.registry().toLowerCase(Locale.ROOT);
        Map<String, List<HostEntry>> dirs = state.dirs();
        List<HostEntry> hosts = dirs.get(registry);
        if (hosts == null) {
            hosts = dirs.get(directoryName(registry));
        }
        if (hosts == null) {
            hosts = dirs.get(DEFAULT_DIR);
        }
        if (hosts == null) {
            return Route.of(List.of(RegistryHosts.upstream(ref, insecure, null)));
        }
        List<Endpoint> endpoints = new ArrayList<>(hosts.size());
        for (HostEntry h : hosts) {
            if (h.authority() == null) {
                Endpoint up = RegistryHosts.upstream(ref, insecure, h.ssl());
                endpoints.add(new Endpoint(up.scheme(), up.authority(), up.root(), up.repository(), false, h.resolve(), h.pull(),
                        null, up.credentialKey(), up.ssl()));
            } else {
                boolean own = h.authority().equals(registry) || h.authority().equals(RegistryClient.apiHost(registry));
                endpoints.add(new Endpoint(h.scheme(), h.authority(), h.root(), ref.repository(), !own, h.resolve(), h.pull(),
                        own ? null : ref.registry(), own ? registry : h.authority(), h.ssl()));
            }
        }
        return Route.of(endpoints);
    }

    @Override
    public boolean configured(String host, int port) {
        Set<String> c = state.configured();
        return c.contains(host.toLowerCase(Locale.ROOT)) || port > 0 && c.contains(host.toLowerCase(Locale.ROOT) + ":" + port);
    }

    @Override
    public boolean plainHttp(String authority) {
        return state.plainHttp().contains(authority.toLowerCase(Locale.ROOT));
    }

    /** containerd's name for a registry with a port: host:5000 is also found as host_5000_. */
    static String directoryName(String registry) {
        int colon = registry.lastIndexOf(':');
        return colon > 0 ? registry.substring(0, colon) + "_" + registry.substring(colon + 1) + "_" : registry;
    }

    /** Names, sizes and times of every file below the root: a change in any means a new read. */
    private String fingerprint() {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.walk(root, 2)) {
            files.sorted().forEach(p -> {
                try {
                    out.append(root.relativize(p)).append('|').append(Files.getLastModifiedTime(p).toMillis()).append('|')
                            .append(Files.isRegularFile(p) ? Files.size(p) : -1).append('\n');
                } catch (IOException gone) {
                    out.append(p).append("|gone\n");
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            out.append("unreadable ").append(e.getMessage());
        }
        return out.toString();
    }

    private State read(String fingerprint) {
        Map<String, List<HostEntry>> dirs = new HashMap<>();
        Set<String> configured = new HashSet<>();
        Set<String> plainHttp = new HashSet<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path dir : children.filter(Files::isDirectory).sorted().toList()) {
                String name = dir.getFileName().toString().toLowerCase(Locale.ROOT);
                List<HostEntry> hosts = readDir(dir);
                dirs.put(name, hosts);
                for (HostEntry h : hosts) {
                    if (h.authority() != null) {
                        configured.add(h.authority());
                        if (h.scheme().equals("http")) {
                            plainHttp.add(h.authority());
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.warn("cannot list containerd's registry hosts directory {}: {}; keeping what was read before", root, e.toString());
            return state != null ? state : new State(fingerprint, Map.of(), Set.of(), Set.of());
        }
        return new State(fingerprint, Map.copyOf(dirs), Set.copyOf(configured), Set.copyOf(plainHttp));
    }

    private List<HostEntry> readDir(Path dir) {
        Path file = dir.resolve("hosts.toml");
        if (Files.isRegularFile(file)) {
            try {
                return parse(dir, readBounded(file));
            } catch (IOException | RuntimeException e) {
                // containerd does the same: a hosts.toml it cannot decode leaves the registry itself.
                log.warn("cannot read {}: {}; using the registry itself for {}", file, e.getMessage(), dir.getFileName());
            }
        }
        return List.of(new HostEntry(null, null, "/v2", true, true, RegistryTls.forHost(globalCa, certFiles(dir), false)));
    }

    static String readBounded(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        return Files.readString(file);
    }

    /** Docker's certs.d layout: every *.crt in the directory is a CA. */
    private static List<Path> certFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".crt")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The hosts of one hosts.toml, in file order, the root (server) entry last. */
    List<HostEntry> parse(Path dir, String toml) {
        JsonNode doc = TOML.readTree(toml);
        List<HostEntry> out = new ArrayList<>();
        JsonNode hosts = doc.path("host");
        for (Map.Entry<String, JsonNode> e : hosts.properties()) {
            out.add(entry(dir, e.getKey(), e.getValue()));
        }
        String server = doc.path("server").asString(null);
        out.add(entry(dir, server, doc));
        return List.copyOf(out);
    }

    private HostEntry entry(Path dir, String server, JsonNode config) {
        boolean resolve = true;
        boolean pull = true;
        JsonNode caps = config.get("capabilities");
        if (caps != null && caps.isArray() && !caps.isEmpty()) {
            resolve = false;
            pull = false;
            for (JsonNode c : caps) {
                switch (c.asString("").toLowerCase(Locale.ROOT)) {
                    case "resolve" -> resolve = true;
                    case "pull" -> pull = true;
                    case "push" -> { }
                    default -> throw new IllegalArgumentException("unknown capability " + c.asString(""));
                }
            }
        }
        List<Path> cas = new ArrayList<>();
        JsonNode ca = config.get("ca");
        if (ca != null) {
            if (ca.isArray()) {
                ca.forEach(c -> cas.add(dir.resolve(c.asString())));
            } else {
                cas.add(dir.resolve(ca.asString()));
            }
        }
        boolean skipVerify = config.path("skip_verify").asBoolean(false);
        SslContext ssl = RegistryTls.forHost(globalCa, cas, skipVerify);
        if (server == null || server.isBlank()) {
            return new HostEntry(null, null, "/v2", resolve, pull, ssl);
        }
        URI uri = URI.create(server.startsWith("http") ? server : "https://" + server);
        if (uri.getHost() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
            throw new IllegalArgumentException("not an http(s) URL: " + server);
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        boolean override = config.path("override_path").asBoolean(false);
        if (!override && !path.endsWith("/v2")) {
            path = path + "/v2";
        }
        return new HostEntry(uri.getScheme(), uri.getRawAuthority().toLowerCase(Locale.ROOT), path, resolve, pull, ssl);
    }
}
