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
final class RegistryCredentials {

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
            JsonNode entry = e.getValue();
            String encoded = null;
            if (entry.hasNonNull("auth") && !entry.get("auth").asString().isEmpty()) {
                encoded = entry.get("auth").asString();
            } else if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
                encoded = Base64.getEncoder().encodeToString(
                        (entry.get("username").asString() + ":" + entry.get("password").asString()).getBytes(StandardCharsets.UTF_8));
            }
            if (encoded != null) {
                out.put(registryKey(e.getKey()), new Basic(encoded));
            }
        }
        return Map.copyOf(out);
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
