package dev.osfit.image;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.osfit.platform.Platform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The pod annotation {@value #NAME}, which states image platforms outright (air-gapped clusters,
 * private registries osfit cannot reach, tests). One entry per line (or separated by ';'): an image
 * reference, then one or more platforms in containerd's text form; {@code *} stands for every image
 * of the pod that has no entry of its own:
 *
 * <pre>
 * osfit.dev/image-platforms: |
 *   registry.local/app:1.4 windows(10.0.17763)/amd64 windows(10.0.20348)/amd64
 *   * linux/amd64 linux/arm64
 * </pre>
 *
 * References are compared after normalisation, so {@code nginx} and {@code docker.io/library/nginx:latest}
 * are one image.
 */
public final class PlatformAnnotation implements ImagePlatformSource {

    public static final String NAME = "osfit.dev/image-platforms";
    public static final String SOURCE = "annotation";

    private final Map<String, List<Platform>> byImage;
    private final List<Platform> wildcard;

    private PlatformAnnotation(Map<String, List<Platform>> byImage, List<Platform> wildcard) {
        this.byImage = byImage;
        this.wildcard = wildcard;
    }

    /** The outcome of {@link #parse}: the annotation, or what is wrong with it. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(PlatformAnnotation annotation) implements Parsed {
    }

    public record Invalid(String problem) implements Parsed {
    }

    /** Far more than a pod with dozens of multi-platform images needs; the API server allows 256 KiB. */
    public static final int MAX_LENGTH = 16 * 1024;

    // Pods of one workload carry the same annotation: parse each value once. Pod authors write it, so
    // the cache is bounded by size (a parsed value costs a few times its text; about 4 MB in all).
    private static final Cache<String, Parsed> PARSED = Caffeine.newBuilder()
            .maximumWeight(1 << 20)
            .weigher((String value, Parsed parsed) -> 64 + value.length())
            .build();

    public static Parsed parse(String value) {
        if (value.length() > MAX_LENGTH) {
            return new Invalid("longer than " + MAX_LENGTH + " characters");
        }
        return PARSED.get(value, PlatformAnnotation::parseUncached);
    }

    private static Parsed parseUncached(String value) {
        Map<String, List<Platform>> byImage = new HashMap<>();
        List<Platform> wildcard = null;
        String[] entries = value.split("[\\n;]");
        int entryNumber = 0;
        for (String entry : entries) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            entryNumber++;
            String[] fields = trimmed.split("\\s+");
            if (fields.length < 2) {
                return new Invalid("entry " + entryNumber + " '" + trimmed + "' needs an image and at least one platform");
            }
            List<Platform> platforms = new ArrayList<>();
            for (int i = 1; i < fields.length; i++) {
                Platform p = Platform.parse(fields[i]);
                if (p == null) {
                    return new Invalid("entry " + entryNumber + ": '" + fields[i] + "' is not a platform like linux/amd64 or windows(10.0.17763)/amd64");
                }
                platforms.add(p);
            }
            if (fields[0].equals("*")) {
                wildcard = List.copyOf(platforms);
                continue;
            }
            ImageRef.Parsed ref = ImageRef.parse(fields[0]);
            if (ref instanceof ImageRef.Invalid bad) {
                return new Invalid("entry " + entryNumber + ": " + bad.reason());
            }
            byImage.put(((ImageRef.Valid) ref).ref().normalized(), List.copyOf(platforms));
        }
        if (entryNumber == 0) {
            return new Invalid("no entries");
        }
        return new Valid(new PlatformAnnotation(Map.copyOf(byImage), wildcard));
    }

    public Optional<ImagePlatforms> lookup(ImageRef image) {
        List<Platform> platforms = byImage.getOrDefault(image.normalized(), wildcard);
        return platforms == null ? Optional.empty() : Optional.of(new ImagePlatforms(platforms, SOURCE));
    }

    @Override
    public CompletionStage<Optional<ImagePlatforms>> platforms(ImageRef image) {
        return CompletableFuture.completedFuture(lookup(image));
    }
}
