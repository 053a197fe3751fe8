package dev.osfit.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlatformTest {

    @ParameterizedTest(name = "{0} parses and prints back")
    @ValueSource(strings = {"linux/amd64", "linux/arm/v7", "linux/arm64/v8", "windows(10.0.17763)/amd64",
            "windows(10.0.20348.2966)/amd64", "windows", "linux"})
    void roundTrips(String text) {
        assertThat(Platform.parse(text)).hasToString(text);
    }

    @ParameterizedTest(name = "''{0}'' is not a platform")
    @ValueSource(strings = {"", " ", "/amd64", "linux/", "linux/arm/v7/x", "windows(10.0)/amd64", "windows(10.0.17763",
            "linux amd64", "windows(abc)/amd64", "linux/am d64"})
    void rejects(String text) {
        assertThat(Platform.parse(text)).isNull();
    }

    @Test
    void fieldsOfTheTextForm() {
        Platform p = Platform.parse("Windows(10.0.17763.5329)/AMD64");
        assertThat(p.os()).isEqualTo("windows");
        assertThat(p.architecture()).isEqualTo("amd64");
        assertThat(p.osVersion()).isEqualTo(new OsVersion(10, 0, 17763, 5329));
    }

    @ParameterizedTest(name = "{0} -> {1}.{2}.{3} revision {4}")
    @CsvSource({"10.0.17763,10,0,17763,-1", "10.0.17763.5329,10,0,17763,5329", "10.0.26100.2605,10,0,26100,2605"})
    void osVersions(String text, int major, int minor, int build, int revision) {
        assertThat(OsVersion.parse(text)).isEqualTo(new OsVersion(major, minor, build, revision));
    }

    @ParameterizedTest(name = "''{0}'' is not an os version")
    @ValueSource(strings = {"", "10", "10.0", "10.0.", "10..0.1", "10.0.17763.1.2", "v10.0.17763", "10.0.17763-1", "99999999.0.1"})
    void rejectsOsVersions(String text) {
        assertThat(OsVersion.parse(text)).isNull();
    }
}
