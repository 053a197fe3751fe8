package dev.osfit.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registry credentials from a docker config.json, as a kubernetes.io/dockerconfigjson Secret
 * mounts it ({@code .dockerconfigjson}): {@code {"auths": {"registry.example.com": {"auth":
 * base64(user:password)}}}} or {@code username}/{@code password}. Keys may be URLs
 * ({@code https://index.docker.io/v1/}). The file is re-read when it changes (Secrets are updated in
 * place), checked at most every 30 seconds. Credentials are never logged.
 */
public final class RegistryCredentials {

    private static final Logger log = LoggerFactory.getLogger(RegistryCredentials.class);
    private static final long RECHECK_MILLIS = 30_000;

    /** user:password, already Base64-encoded for a Basic Authorization header. */
    record Basic(String encoded) {
        @Override
        public String toString() {
            return "Basic(***)";
        }
    }

    private final Path file;
    private volatile Map<String, Basic> byRegistry = Map.of();
    private volatile long checkedAt;
    private volatile long modified = -1;

    RegistryCredentials(Path file) {
        this.file = file;
        reload();
    }

    static RegistryCredentials none() {
        return new RegistryCredentials(null);
    }

    /** Credentials for a registry host (as in the image reference, docker.io for Docker Hub), or null. */
    Basic forRegistry(String registry) {
        if (file != null && System.currentTimeMillis() - checkedAt > RECHECK_MILLIS) {
            reload();
        }
        return byRegistry.get(registry.toLowerCase(Locale.ROOT));
    }

    private synchronized void reload() {
        checkedAt = System.currentTimeMillis();
        if (file == null) {
            return;
        }
        try {
            long m = Files.getLastModifiedTime(file).toMillis();
            if (m == modified) {
                return;
            }
            byRegistry = parse(Files.readAllBytes(file));
            modified = m;
            log.info("registry credentials loaded from {} for {} registries", file, byRegistry.size());
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read registry credentials from {}: {}", file, e.getClass().getSimpleName());
        }
    }

    static Map<String, Basic> parse(byte[] json) {
        JsonNode root = JsonMapper.builder().build().readTree(json);
        JsonNode auths = root.has("auths") ? root.get("auths") : root;
        Map<String, Basic> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : auths.properties()) {
            Basic basic = entry(e.getValue());
            if (basic != null) {
                out.put(registryKey(e.getKey()), basic);
            }
        }
        return Map.copyOf(out);
    }

    /**
     * A pull secret's docker configuration, parsed once when the secret arrives: its keys (normalised as the
     * kubelet reads them, most specific first) and credentials. At most 256 entries: the secret's author
     * chooses how many. Nothing of it is printed.
     */
    public static final class DockerConfig {
        private final java.util.List<Map.Entry<String, Basic>> entries;

        private DockerConfig(java.util.List<Map.Entry<String, Basic>> entries) {
            this.entries = entries;
        }

        /** A configuration as a Secret stores it; one that cannot be read has no entries. */
        public static DockerConfig parse(byte[] json) {
            java.util.TreeMap<String, Basic> byKey = new java.util.TreeMap<>(ImageMatch::compareSpecificFirst);
            try {
                JsonNode root = JsonMapper.builder().build().readTree(json);
                JsonNode auths = root.has("auths") ? root.get("auths") : root;
                int n = 0;
                for (Map.Entry<String, JsonNode> e : auths.properties()) {
                    if (++n > 256) {
                        break;
                    }
                    Basic basic = entry(e.getValue());
                    if (basic != null) {
                        // Docker Hub's historical keys name docker.io, as the kubelet reads them.
                        String key = e.getKey().trim().toLowerCase(Locale.ROOT)
                                .replaceFirst("^(https?://)?(index|registry-1)\\.docker\\.io(/v1)?/?", "docker.io/");
                        byKey.put(key.endsWith("/") ? key.substring(0, key.length() - 1) : key, basic);
                    }
                }
            } catch (RuntimeException unreadable) {
                return new DockerConfig(java.util.List.of());
            }
            return new DockerConfig(java.util.List.copyOf(byKey.entrySet()));
        }

        /** The credentials that apply to the image (registry/repository), most specific key first. */
        java.util.List<Basic> matching(String image) {
            java.util.List<Basic> out = new java.util.ArrayList<>();
            for (Map.Entry<String, Basic> e : entries) {
                if (ImageMatch.matches(e.getKey(), image)) {
                    out.add(e.getValue());
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return "DockerConfig(" + entries.size() + " entries)";
        }
    }

    /** One auths entry: "auth" (base64 user:password) or username and password; null when neither. */
    private static Basic entry(JsonNode entry) {
        if (entry.hasNonNull("auth") && !entry.get("auth").asString().isEmpty()) {
            return new Basic(entry.get("auth").asString());
        }
        if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
            return new Basic(Base64.getEncoder().encodeToString(
                    (entry.get("username").asString() + ":" + entry.get("password").asString()).getBytes(StandardCharsets.UTF_8)));
        }
        return null;
    }

    /** "https://index.docker.io/v1/" -> "docker.io"; "registry.example.com:5000/x" -> "registry.example.com:5000". */
    static String registryKey(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) {
            return "docker.io";
        }
        return k;
    }
}
