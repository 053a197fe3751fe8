package dev.osfit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.platform.OsVersion;
import dev.osfit.platform.Platform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How index entries become platforms, where containerd's matcher decides what an entry means. */
class ManifestParserTest {

    private static List<Platform> index(String entries) {
        String body = "{\"schemaVersion\":2,\"mediaType\":\"" + ManifestParser.OCI_INDEX + "\",\"manifests\":[" + entries + "]}";
        return ManifestParser.manifest(body.getBytes(StandardCharsets.UTF_8), ManifestParser.OCI_INDEX).platforms();
    }

    private static String entry(String platform) {
        return "{\"mediaType\":\"" + ManifestParser.OCI_MANIFEST + "\",\"digest\":\"sha256:" + "a".repeat(64)
                + "\",\"size\":1,\"platform\":" + platform + "}";
    }

    @Test
    void aWindowsEntryWithoutOsVersionIsKeptWithNoBuildSoItMatchesEveryBuild() {
        List<Platform> platforms = index(entry("{\"os\":\"windows\",\"architecture\":\"amd64\"}"));
        assertThat(platforms).containsExactly(Platform.windows(null, "amd64"));
    }

    @Test
    void aWindowsEntryWithAnEmptyOsVersionMatchesEveryBuildAsContainerdDoes() {
        List<Platform> platforms = index(entry("{\"os\":\"windows\",\"architecture\":\"amd64\",\"os.version\":\"\"}"));
        assertThat(platforms).containsExactly(Platform.windows(null, "amd64"));
    }

    @Test
    void aWindowsEntryWhoseOsVersionDoesNotParseIsNoPlatformContainerdReadsIt000() {
        List<Platform> platforms = index(entry("{\"os\":\"windows\",\"architecture\":\"amd64\",\"os.version\":\"ltsc2022\"}") + ","
                + entry("{\"os\":\"windows\",\"architecture\":\"amd64\",\"os.version\":\"10.0.20348.2966\"}"));
        assertThat(platforms).containsExactly(Platform.windows(OsVersion.parse("10.0.20348.2966"), "amd64"));
    }

    @Test
    void anIndexListingMoreThanTheMostPlatformsAnyImageHasIsTooLarge() {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i <= ManifestParser.MAX_PLATFORMS; i++) {
            entries.append(i == 0 ? "" : ",").append(entry("{\"os\":\"linux\",\"architecture\":\"arch" + i + "\"}"));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index(entries.toString()))
                .isInstanceOf(RegistryException.class).hasMessageContaining("more than 256 platforms")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.TOO_LARGE));
    }

    @Test
    void anEntryWithAbsurdFieldsIsNoPlatform() {
        List<Platform> platforms = index(entry("{\"os\":\"linux\",\"architecture\":\"" + "a".repeat(100) + "\"}") + ","
                + entry("{\"os\":\"linux\",\"architecture\":\"amd64\",\"os.features\":[\"" + "f".repeat(100) + "\",\"sse4\"]}"));
        assertThat(platforms).singleElement().satisfies(p -> {
            assertThat(p.architecture()).isEqualTo("amd64");
            assertThat(p.osFeatures()).containsExactly("sse4");
        });
    }
}
