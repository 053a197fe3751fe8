package dev.osfit.platform;

/**
 * Whether a Windows host can start a container image under process isolation, the only isolation
 * Kubernetes uses. This is the rule containerd applies when it picks an image for a host
 * (containerd/platforms platform_windows_compat.go, with hcsshim's osversion builds):
 * <ul>
 *   <li>major.minor must be equal;</li>
 *   <li>a host below build 20348 runs only its own build;</li>
 *   <li>from 20348 on, a host runs every build from the LTSC release at or below it up to its own
 *       build (20348 runs 20348; 22621 runs 20348..22621; 26100 runs 26100 only);</li>
 *   <li>the revision never decides.</li>
 * </ul>
 */
public final class WindowsCompat {

    /** Windows Server 2022, the first build with a compatibility window. */
    public static final int LTSC2022 = 20348;
    /** Windows Server 2025. */
    public static final int LTSC2025 = 26100;

    private static final int[] LTSC_BUILDS = {LTSC2022, LTSC2025};

    private WindowsCompat() {
    }

    public static boolean canRun(OsVersion host, OsVersion image) {
        if (host.major() != image.major() || host.minor() != image.minor()) {
            return false;
        }
        int hostBuild = host.build();
        int imageBuild = image.build();
        if (hostBuild < LTSC2022) {
            return imageBuild == hostBuild;
        }
        return imageBuild >= previousLtsc(hostBuild) && imageBuild <= hostBuild;
    }

    /** The newest LTSC build at or below {@code hostBuild}; the host build itself below 20348. */
    static int previousLtsc(int hostBuild) {
        int floor = hostBuild;
        for (int ltsc : LTSC_BUILDS) {
            if (ltsc <= hostBuild) {
                floor = ltsc;
            }
        }
        return floor;
    }
}
