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
}
