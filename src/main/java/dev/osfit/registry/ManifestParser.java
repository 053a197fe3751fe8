package dev.osfit.registry;

import dev.osfit.platform.OsVersion;
import dev.osfit.platform.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what an image needs from the registry's answers: an image index / manifest list lists a
 * platform per entry; a single manifest points at its config blob, which states os, architecture,
 * variant and os.version. Attestation entries (buildkit's provenance and SBOMs, marked
 * {@code vnd.docker.reference.type} or {@code unknown/unknown}) are not platforms.
 */
final class ManifestParser {

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** What osfit asks for, in order of preference. */
    static final String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ManifestParser() {
    }

    /** A manifest is either the platforms (from an index) or the digest of the config blob to read next. */
    record Parsed(List<Platform> platforms, String configDigest) {
    }

    static Parsed manifest(byte[] body, String contentType) {
        JsonNode root = tree(body, "manifest");
        String mediaType = mediaType(contentType, root);
        boolean index = OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType)
                || (mediaType == null && root.has("manifests"));
        if (index) {
            return new Parsed(indexPlatforms(root), null);
        }
        boolean single = OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType)
                || (mediaType == null && root.has("config"));
        if (!single) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "unsupported manifest type " + mediaType);
        }
        JsonNode digest = root.path("config").path("digest");
        if (!digest.isString() || digest.asString().isEmpty()) {
            throw new RegistryException(RegistryException.Kind.MALFORMED, "manifest has no config digest");
        }
        return new Parsed(null, digest.asString());
    }

    static List<Platform> indexPlatforms(JsonNode root) {
        JsonNode manifests = root.get("manifests");
        if (manifests == null || !manifests.isArray()) {
            throw new RegistryException(RegistryException.Kind.MALFORMED, "index has no manifests array");
        }
        List<Platform> platforms = new ArrayList<>();
        for (JsonNode m : manifests.values()) {
            if (m.path("annotations").has("vnd.docker.reference.type")) {
                continue;
            }
            JsonNode p = m.get("platform");
            if (p == null || !p.isObject()) {
                continue;
            }
            Platform platform = platform(p);
            if (platform != null) {
                if (platforms.size() == MAX_PLATFORMS) {
                    throw new RegistryException(RegistryException.Kind.TOO_LARGE, "index lists more than " + MAX_PLATFORMS + " platforms");
                }
                platforms.add(platform);
            }
        }
        if (platforms.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.MALFORMED, "index lists no platform");
        }
        return platforms;
    }

    /** The platform an image config blob states. */
    static List<Platform> config(byte[] body) {
        Platform p = platform(tree(body, "image config"));
        if (p == null) {
            throw new RegistryException(RegistryException.Kind.MALFORMED, "image config states no os/architecture");
        }
        return List.of(p);
    }

    private static Platform platform(JsonNode p) {
        String os = text(p, "os");
        String arch = text(p, "architecture");
        if (longer(os) || longer(arch) || longer(text(p, "variant")) || longer(text(p, "os.version"))
                || p.path("os.features").size() > MAX_FEATURES) {
            return null; // no real platform looks like this; keeping it would let a registry fill the cache
        }
        if (os == null || arch == null || os.equals("unknown") || arch.equals("unknown")) {
            return null;
        }
        String versionText = text(p, "os.version");
        OsVersion version = OsVersion.parse(versionText);
        os = os.toLowerCase(Locale.ROOT);
        if (versionText != null && version == null && os.equals("windows")) {
            // containerd matches a missing os.version to every build, but reads one it cannot parse as
            // 0.0.0, which no Windows host runs: such an entry is not a platform.
            return null;
        }
        List<String> features = new ArrayList<>();
        p.path("os.features").values().forEach(f -> {
            if (f.isString() && f.asString().length() <= MAX_FIELD) {
                features.add(f.asString());
            }
        });
        return new Platform(os, arch.toLowerCase(Locale.ROOT), text(p, "variant"), version, features);
    }

    /** More platforms than any real image index lists (multi-arch Windows and Linux images list a few dozen). */
    static final int MAX_PLATFORMS = 256;
    static final int MAX_FIELD = 64;
    static final int MAX_FEATURES = 16;

    private static boolean longer(String s) {
        return s != null && s.length() > MAX_FIELD;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isString() && !v.asString().isEmpty() ? v.asString() : null;
    }

    private static String mediaType(String contentType, JsonNode root) {
        if (contentType != null) {
            String ct = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (ct.startsWith("application/vnd.")) {
                return ct;
            }
        }
        return text(root, "mediaType");
    }

    private static JsonNode tree(byte[] body, String what) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new RegistryException(RegistryException.Kind.MALFORMED, what + " is not a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            throw new RegistryException(RegistryException.Kind.MALFORMED, what + " is not valid JSON");
        }
    }
}
