package dev.osfit.platform;

/**
 * A Windows version {@code major.minor.build[.revision]} as the kubelet labels it
 * ({@code node.kubernetes.io/windows-build}), the kernel reports it ({@code status.nodeInfo.kernelVersion})
 * and image indexes state it ({@code os.version}). The revision (UBR) is {@link #UNKNOWN} when not stated.
 */
public record OsVersion(int major, int minor, int build, int revision) {

    public static final int UNKNOWN = -1;

    /** Parses {@code 10.0.17763} or {@code 10.0.17763.5329}; returns null for anything else. */
    public static OsVersion parse(String s) {
        if (s == null) {
            return null;
        }
        int[] parts = new int[4];
        int n = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 9_999_999) {
                    return null;
                }
            } else if (c == '.' && value >= 0 && n < 4) {
                parts[n++] = value;
                value = -1;
            } else {
                return null;
            }
        }
        if (n < 3) {
            return null;
        }
        return new OsVersion(parts[0], parts[1], parts[2], n == 4 ? parts[3] : UNKNOWN);
    }

    public boolean hasRevision() {
        return revision != UNKNOWN;
    }

    /** The same version without its revision. */
    public OsVersion withoutRevision() {
        return hasRevision() ? new OsVersion(major, minor, build, UNKNOWN) : this;
    }

    /** {@code major.minor.build}, the form of the windows-build label. */
    public String buildString() {
        return major + "." + minor + "." + build;
    }

    @Override
    public String toString() {
        return hasRevision() ? buildString() + "." + revision : buildString();
    }
}
