package dev.osfit.image;

import dev.osfit.platform.OsVersion;
import dev.osfit.platform.Platform;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The well-known tags of Microsoft's Windows images on mcr.microsoft.com: {@code ltsc2019},
 * {@code windowsservercore-ltsc2022}, {@code 4.8-windowsservercore-ltsc2019}, {@code 1809-KB5034127-amd64},
 * {@code 10.0.17763.5329}. A tag is split at '-' and the first token that names a release decides.
 *
 * <p>Bare release numbers ({@code 1809}, {@code 2004}) are only trusted where the image is plainly a
 * Windows one (repository under {@code windows/} or a Windows base name in the tag), since the same
 * numbers are ordinary versions elsewhere.
 */
public final class WindowsTagTable implements ImagePlatformSource {

    public static final String SOURCE = "windows-tag";
    static final String MCR = "mcr.microsoft.com";

    private static final Map<String, Integer> LTSC = Map.of(
            "ltsc2016", 14393,
            "ltsc2019", 17763,
            "ltsc2022", 20348,
            "ltsc2025", 26100);

    private static final Map<String, Integer> RELEASES = Map.ofEntries(
            Map.entry("1607", 14393),
            Map.entry("1709", 16299),
            Map.entry("1803", 17134),
            Map.entry("1809", 17763),
            Map.entry("1903", 18362),
            Map.entry("1909", 18363),
            Map.entry("2004", 19041),
            Map.entry("20h2", 19042));

    private static final List<String> WINDOWS_BASES = List.of("nanoserver", "servercore", "windowsservercore", "windows", "server");

    /** The platform the tag names, or empty when it names none. */
    public Optional<Platform> lookup(ImageRef image) {
        if (!MCR.equals(image.registry()) || image.tag() == null) {
            return Optional.empty();
        }
        String[] tokens = image.tag().toLowerCase(Locale.ROOT).split("-");
        boolean windowsImage = image.repository().startsWith("windows/");
        for (String token : tokens) {
            windowsImage |= WINDOWS_BASES.contains(token);
        }
        OsVersion version = null;
        String arch = null;
        for (String token : tokens) {
            if (version == null) {
                version = versionOf(token, windowsImage);
            }
            if (token.equals("amd64") || token.equals("arm64")) {
                arch = token;
            }
        }
        return version == null ? Optional.empty() : Optional.of(Platform.windows(version, arch));
    }

    private static OsVersion versionOf(String token, boolean windowsImage) {
        Integer build = LTSC.get(token);
        if (build == null && windowsImage) {
            build = RELEASES.get(token);
        }
        if (build != null) {
            return new OsVersion(10, 0, build, OsVersion.UNKNOWN);
        }
        if (token.startsWith("10.0.")) {
            OsVersion v = OsVersion.parse(token);
            if (v != null && v.build() >= 10240) {
                return v;
            }
        }
        return null;
    }

    @Override
    public CompletionStage<Optional<ImagePlatforms>> platforms(ImageRef image) {
        return CompletableFuture.completedFuture(lookup(image).map(p -> new ImagePlatforms(List.of(p), SOURCE)));
    }
}
