package dev.osfit.platform;

/**
 * Whether a Windows host can start a container image. Kubernetes runs Windows containers with process
 * isolation unless the pod's RuntimeClass selects a Hyper-V runtime handler; the two follow different
 * rules.
 *
 * <p>Process isolation is the rule containerd applies when it picks an image for a host
 * (containerd/platforms {@code platform_windows_compat.go}, {@code checkWindowsHostAndContainerCompat}):
 * <ul>
 *   <li>major.minor must be equal;</li>
 *   <li>a host below build 20348 runs only its own build;</li>
 *   <li>from 20348 on, a host runs every build from the newest LTSC build <em>strictly below</em> its
 *       own (20348 when there is none) up to its own build: 20348 runs 20348; 22621, 25398 and 26100
 *       run 20348..host (a Windows Server 2025 node runs ltsc2022 images); 26200 runs 26100..26200;</li>
 *   <li>the revision never decides.</li>
 * </ul>
 *
 * <p>Hyper-V isolation runs the container in a utility VM with its own kernel, so an image of the
 * host's build or any older build runs (Microsoft's "Windows container version compatibility"
 * matrix); a newer image still does not.
 */
public final class WindowsCompat {

    /** Windows Server 2022, the first build with a compatibility window. */
    public static final int LTSC2022 = 20348;
    /** Windows Server 2025. */
    public static final int LTSC2025 = 26100;

    // Ascending, as containerd's compatLTSCReleases.
    private static final int[] LTSC_BUILDS = {LTSC2022, LTSC2025};

    private WindowsCompat() {
    }

    /** Process isolation, containerd's rule. */
    public static boolean canRun(OsVersion host, OsVersion image) {
        if (host.major() != image.major() || host.minor() != image.minor()) {
            return false;
        }
        int hostBuild = host.build();
        int imageBuild = image.build();
        if (hostBuild < LTSC2022) {
            return imageBuild == hostBuild;
        }
        return imageBuild >= oldestRunnable(hostBuild) && imageBuild <= hostBuild;
    }

    /** Hyper-V isolation: the host's build or older, same major.minor. */
    public static boolean canRunHyperV(OsVersion host, OsVersion image) {
        return host.major() == image.major() && host.minor() == image.minor() && image.build() <= host.build();
    }

    /**
     * The oldest image build a host from 20348 on runs under process isolation: the newest LTSC build
     * strictly below the host's (an LTSC host runs the previous LTSC's images), 20348 when none is.
     */
    static int oldestRunnable(int hostBuild) {
        int floor = LTSC2022;
        for (int ltsc : LTSC_BUILDS) {
            if (ltsc < hostBuild) {
                floor = ltsc;
            }
        }
        return floor;
    }
}
