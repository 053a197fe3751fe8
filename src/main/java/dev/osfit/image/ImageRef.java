package dev.osfit.image;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.regex.Pattern;

/**
 * An image reference normalised as container runtimes do (distribution/reference): registry
 * {@code docker.io} and the {@code library/} namespace by default, tag {@code latest} when neither
 * tag nor digest is given. {@link #parse} never throws; a bad reference yields a {@link Invalid}
 * with a reason.
 */
public record ImageRef(String original, String registry, String repository, String tag, String digest) {

    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}");
    private static final int MAX_NAME_LENGTH = 255;

    /** The outcome of {@link #parse}: a reference or the reason it is not one. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(ImageRef ref) implements Parsed {
    }

    public record Invalid(String image, String reason) implements Parsed {
    }

    /** Longer than any valid reference (a 255-character name, a 128-character tag and a digest). */
    public static final int MAX_REFERENCE_LENGTH = 1024;

    // Pods of one workload share images: parse each reference once (regexes cost microseconds). Pod
    // authors choose the strings, so the cache is bounded by their size (about 2 MB), not their count.
    private static final Cache<String, Parsed> PARSED = Caffeine.newBuilder()
            .maximumWeight(1 << 20)
            .weigher((String image, Parsed parsed) -> 32 + image.length())
            .build();

    public static Parsed parse(String image) {
        if (image == null) {
            return new Invalid("null", "empty image reference");
        }
        if (image.length() > MAX_REFERENCE_LENGTH) {
            // Neither parsed nor cached; the reason names a prefix, not the whole string.
            return new Invalid(image.substring(0, 64) + "...", "image reference longer than " + MAX_REFERENCE_LENGTH + " characters");
        }
        return PARSED.get(image, ImageRef::parseUncached);
    }

    private static Parsed parseUncached(String image) {
        if (image.isBlank()) {
            return new Invalid(String.valueOf(image), "empty image reference");
        }
        String s = image.trim();
        String digest = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            digest = s.substring(at + 1);
            s = s.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                return new Invalid(image, "invalid digest '" + digest + "'");
            }
        }
        String tag = null;
        int lastSlash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = s.substring(colon + 1);
            s = s.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                return new Invalid(image, "invalid tag '" + tag + "'");
            }
        }
        String registry = DOCKER_HUB;
        String path = s;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            String first = s.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase())) {
                registry = first;
                path = s.substring(slash + 1);
                if (!DOMAIN.matcher(registry).matches()) {
                    return new Invalid(image, "invalid registry host '" + registry + "'");
                }
            }
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (path.isEmpty()) {
            return new Invalid(image, "missing repository name");
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                return new Invalid(image, "invalid repository name '" + path + "' (lowercase letters, digits and . _ - only)");
            }
        }
        if (registry.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
            path = "library/" + path;
        }
        if (registry.length() + 1 + path.length() > MAX_NAME_LENGTH) {
            return new Invalid(image, "repository name longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new Valid(new ImageRef(image, registry, path, tag, digest));
    }

    /** The fully qualified name, e.g. {@code docker.io/library/nginx:latest}; the identity used for caching. */
    public String normalized() {
        StringBuilder b = new StringBuilder(registry).append('/').append(repository);
        if (tag != null) {
            b.append(':').append(tag);
        }
        if (digest != null) {
            b.append('@').append(digest);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return original;
    }
}
