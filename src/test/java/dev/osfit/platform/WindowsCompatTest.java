package dev.osfit.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Windows rule. {@link #containerdTable} is containerd's own test table, case for case:
 * containerd/platforms {@code platform_windows_compat_test.go}, {@code Test_PlatformCompat}, at commit
 * 4549974181760492ffc528fae4d7f29620a2c67c (12 cases, in its order). The matrix below it adds the builds
 * containerd's table does not name (14393, 19042, a host above 26100), written from the rule, one row
 * per host, not derived from the code under test.
 */
class WindowsCompatTest {

    // containerd's names for the builds its table uses.
    private static final int LTSC2019 = 17763;
    private static final int LTSC2022 = 20348;
    private static final int V22H2_WIN11 = 22621;
    private static final int V23H2 = 25398;
    private static final int LTSC2025 = 26100;

    static List<Arguments> containerdTable() {
        return List.of(
                containerd(LTSC2019, LTSC2019, true),
                containerd(LTSC2019, LTSC2022, false),
                containerd(LTSC2022, LTSC2019, false),
                containerd(LTSC2022, LTSC2022, true),
                containerd(V22H2_WIN11, LTSC2019, false),
                containerd(V22H2_WIN11, LTSC2022, true),
                containerd(V23H2, LTSC2019, false),
                containerd(V23H2, LTSC2022, true),
                containerd(LTSC2025, LTSC2022, true),
                containerd(LTSC2022, LTSC2025, false),
                containerd(LTSC2022, V22H2_WIN11, false),
                containerd(LTSC2025, V22H2_WIN11, true));
    }

    private static Arguments containerd(int host, int ctr, boolean shouldRun) {
        // containerd names its subtests Host_<host>_Ctr_<ctr>.
        return Arguments.of(String.format("Host_%d_Ctr_%d: host %s image", host, ctr, shouldRun ? "runs" : "does not run"),
                host, ctr, shouldRun);
    }

    @ParameterizedTest(name = "containerd {0}")
    @MethodSource("containerdTable")
    void containerdsOwnTable(String name, int host, int image, boolean runs) {
        assertThat(WindowsCompat.canRun(v(host, 0), v(image, 0))).isEqualTo(runs);
    }

    private static final int[] IMAGES = {14393, 17763, 20348, 22621, 25398, 26100, 26200};

    // host build, then Y/N for each image build in IMAGES order
    private static final Object[][] TABLE = {
            {14393, "Y N N N N N N"},  // WS2016 runs only 14393
            {17763, "N Y N N N N N"},  // WS2019 runs only 17763
            {19042, "N N N N N N N"},  // 20H2 runs only 19042, none of these
            {20348, "N N Y N N N N"},  // WS2022: no LTSC strictly below it, so 20348 only
            {22621, "N N Y Y N N N"},  // Windows 11 22H2: 20348..22621
            {25398, "N N Y Y Y N N"},  // WS 23H2: 20348..25398
            {26100, "N N Y Y Y Y N"},  // WS2025: the previous LTSC (20348) up to 26100
            {26200, "N N N N N Y Y"},  // above WS2025: 26100..26200
    };

    static List<Arguments> matrix() {
        return table(TABLE, "");
    }

    /** One case per host row and image column: "Y" runs, anything else does not. */
    static List<Arguments> table(Object[][] rows, String isolation) {
        List<Arguments> cases = new ArrayList<>();
        for (Object[] row : rows) {
            int host = (int) row[0];
            String[] expected = ((String) row[1]).split(" ");
            for (int i = 0; i < IMAGES.length; i++) {
                boolean runs = expected[i].equals("Y");
                cases.add(Arguments.of(String.format("%shost %d %s image %d", isolation, host, runs ? "runs" : "does not run", IMAGES[i]),
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

    // Hyper-V isolation: the host's build and older ones (Microsoft's version-compatibility matrix).
    private static final Object[][] HYPERV = {
            {17763, "Y Y N N N N N"},
            {20348, "Y Y Y N N N N"},
            {26100, "Y Y Y Y Y Y N"},
    };

    static List<Arguments> hyperV() {
        return table(HYPERV, "under Hyper-V isolation ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hyperV")
    void hyperVIsolationRule(String name, int host, int image, boolean runs) {
        assertThat(WindowsCompat.canRunHyperV(v(host, 1000), v(image, 5))).isEqualTo(runs);
    }

    @ParameterizedTest(name = "revision {1} of the image against revision {0} of the host never decides")
    @MethodSource("revisions")
    void revisionNeverDecides(int hostRevision, int imageRevision) {
        assertThat(WindowsCompat.canRun(v(17763, hostRevision), v(17763, imageRevision))).isTrue();
        assertThat(WindowsCompat.canRun(v(20348, hostRevision), v(17763, imageRevision))).isFalse();
        assertThat(WindowsCompat.canRun(v(26100, hostRevision), v(20348, imageRevision))).isTrue();
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
        assertThat(WindowsCompat.canRunHyperV(v(26100, 1), new OsVersion(major, minor, 17763, 1))).isFalse();
    }

    static List<Arguments> otherMajorMinor() {
        return List.of(Arguments.of(6, 3), Arguments.of(10, 1), Arguments.of(11, 0));
    }

    private static OsVersion v(int build, int revision) {
        return new OsVersion(10, 0, build, revision);
    }
}
