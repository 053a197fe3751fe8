package dev.osfit.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every host build against every image build. The table is written from the rule (major.minor
 * equal; below 20348 the same build; from 20348 on, the previous LTSC build up to the host's own),
 * one row per host, not derived from the code under test.
 */
class WindowsCompatTest {

    private static final int[] IMAGES = {14393, 17763, 20348, 25398, 26100};

    // host build, then Y/N for each image build in IMAGES order
    private static final Object[][] TABLE = {
            {14393, "Y N N N N"},  // WS2016 runs only 14393
            {17763, "N Y N N N"},  // WS2019 runs only 17763
            {19042, "N N N N N"},  // 20H2 runs only 19042, none of these
            {20348, "N N Y N N"},  // WS2022 is itself the LTSC floor
            {22621, "N N Y N N"},  // Windows 11 22H2: 20348..22621
            {25398, "N N Y Y N"},  // WS 23H2: 20348..25398
            {26100, "N N N N Y"},  // WS2025: a new floor, 26100 only
    };

    static List<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Object[] row : TABLE) {
            int host = (int) row[0];
            String[] expected = ((String) row[1]).split(" ");
            for (int i = 0; i < IMAGES.length; i++) {
                boolean runs = expected[i].equals("Y");
                cases.add(Arguments.of(String.format("host %d %s image %d", host, runs ? "runs" : "does not run", IMAGES[i]),
                        host, IMAGES[i], runs));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void processIsolationRule(String name, int host, int image, boolean runs) {
        assertThat(WindowsCompat.canRun(v(host, 1000), v(image, 5))).isEqualTo(runs);
    }

    @ParameterizedTest(name = "revision {1} of the image against revision {0} of the host never decides")
    @MethodSource("revisions")
    void revisionNeverDecides(int hostRevision, int imageRevision) {
        assertThat(WindowsCompat.canRun(v(17763, hostRevision), v(17763, imageRevision))).isTrue();
        assertThat(WindowsCompat.canRun(v(20348, hostRevision), v(17763, imageRevision))).isFalse();
    }

    static List<Arguments> revisions() {
        return List.of(Arguments.of(6659, 1), Arguments.of(1, 6659), Arguments.of(OsVersion.UNKNOWN, 5329),
                Arguments.of(5329, OsVersion.UNKNOWN));
    }

    @ParameterizedTest(name = "major.minor {0}.{1} differs from 10.0: never compatible")
    @MethodSource("otherMajorMinor")
    void majorMinorMustBeEqual(int major, int minor) {
        assertThat(WindowsCompat.canRun(v(17763, 1), new OsVersion(major, minor, 17763, 1))).isFalse();
        assertThat(WindowsCompat.canRun(new OsVersion(major, minor, 20348, 1), v(20348, 1))).isFalse();
    }

    static List<Arguments> otherMajorMinor() {
        return List.of(Arguments.of(6, 3), Arguments.of(10, 1), Arguments.of(11, 0));
    }

    private static OsVersion v(int build, int revision) {
        return new OsVersion(10, 0, build, revision);
    }
}
