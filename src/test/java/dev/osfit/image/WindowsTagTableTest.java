package dev.osfit.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.platform.Platform;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WindowsTagTableTest {

    private final WindowsTagTable table = new WindowsTagTable();

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "mcr.microsoft.com/windows/servercore:ltsc2016, windows(10.0.14393)",
            "mcr.microsoft.com/windows/servercore:ltsc2019, windows(10.0.17763)",
            "mcr.microsoft.com/windows/nanoserver:ltsc2022, windows(10.0.20348)",
            "mcr.microsoft.com/windows/server:ltsc2025, windows(10.0.26100)",
            "mcr.microsoft.com/windows/servercore:1809, windows(10.0.17763)",
            "mcr.microsoft.com/windows/servercore:1903, windows(10.0.18362)",
            "mcr.microsoft.com/windows/servercore:1909, windows(10.0.18363)",
            "mcr.microsoft.com/windows/servercore:2004, windows(10.0.19041)",
            "mcr.microsoft.com/windows/servercore:20H2, windows(10.0.19042)",
            "mcr.microsoft.com/windows/servercore:1809-KB5034127, windows(10.0.17763)",
            "mcr.microsoft.com/windows/servercore:ltsc2019-amd64, windows(10.0.17763)/amd64",
            "mcr.microsoft.com/windows/servercore:1809-KB5034127-amd64, windows(10.0.17763)/amd64",
            "mcr.microsoft.com/windows/servercore:10.0.17763.5329, windows(10.0.17763.5329)",
            "mcr.microsoft.com/windows/servercore:10.0.20348.2966-amd64, windows(10.0.20348.2966)/amd64",
            "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019, windows(10.0.17763)",
            "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022, windows(10.0.20348)",
            "mcr.microsoft.com/dotnet/runtime:8.0-nanoserver-1809, windows(10.0.17763)",
            "mcr.microsoft.com/powershell:lts-nanoserver-ltsc2025, windows(10.0.26100)",
    })
    void knowsTag(String image, String platform) {
        assertThat(table.lookup(ref(image))).contains(Platform.parse(platform));
    }

    @ParameterizedTest(name = "{0} is not known from its tag")
    @ValueSource(strings = {
            "mcr.microsoft.com/dotnet/aspnet:8.0",
            "mcr.microsoft.com/dotnet/aspnet:8.0-bookworm-slim",
            "mcr.microsoft.com/azure-cli:2004",               // a version number, not a Windows release
            "mcr.microsoft.com/windows/servercore@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "docker.io/library/servercore:ltsc2019",          // not Microsoft's registry
            "nginx:1.27",
    })
    void doesNotGuess(String image) {
        assertThat(table.lookup(ref(image))).isEmpty();
    }

    private static ImageRef ref(String image) {
        return ((ImageRef.Valid) ImageRef.parse(image)).ref();
    }
}
