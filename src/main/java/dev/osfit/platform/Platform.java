package dev.osfit.platform;

import java.util.List;
import java.util.Locale;

/**
 * What an image (one entry of an image index) needs: os, architecture, variant, os.version and
 * os.features, as in the OCI image index. A null field is not known and matches anything.
 *
 * <p>The text form is containerd's: {@code os[(os.version)]/arch[/variant]}, for example
 * {@code windows(10.0.17763)/amd64} or {@code linux/arm/v7}.
 */
public record Platform(String os, String architecture, String variant, OsVersion osVersion, List<String> osFeatures) {

    public Platform {
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    }

    public static Platform of(String os, String architecture) {
        return new Platform(os, architecture, null, null, List.of());
    }

    public static Platform windows(OsVersion version, String architecture) {
        return new Platform("windows", architecture, null, version, List.of());
    }

    public boolean isWindows() {
        return "windows".equals(os);
    }

    /**
     * Parses the text form. Returns null when it is not one: {@code os} is required, the version only
     * with an os, and the architecture when a variant is given.
     */
    public static Platform parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        OsVersion version = null;
        String rest;
        int open = s.indexOf('(');
        String os;
        if (open >= 0) {
            int close = s.indexOf(')', open);
            if (close < 0) {
                return null;
            }
            os = s.substring(0, open);
            version = OsVersion.parse(s.substring(open + 1, close));
            if (version == null) {
                return null;
            }
            rest = s.substring(close + 1);
        } else {
            int slash = s.indexOf('/');
            os = slash < 0 ? s : s.substring(0, slash);
            rest = slash < 0 ? "" : s.substring(slash);
        }
        if (!isToken(os)) {
            return null;
        }
        String arch = null;
        String variant = null;
        if (!rest.isEmpty()) {
            if (rest.charAt(0) != '/') {
                return null;
            }
            String[] parts = rest.substring(1).split("/", -1);
            if (parts.length > 2 || !isToken(parts[0]) || (parts.length == 2 && !isToken(parts[1]))) {
                return null;
            }
            arch = parts[0];
            variant = parts.length == 2 ? parts[1] : null;
        }
        return new Platform(os, arch, variant, version, List.of());
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** {@code os/arch[/variant]} without the version, as reasons show an architecture mismatch. */
    public String osArch() {
        StringBuilder b = new StringBuilder(String.valueOf(os));
        if (architecture != null) {
            b.append('/').append(architecture);
            if (variant != null) {
                b.append('/').append(variant);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.valueOf(os));
        if (osVersion != null) {
            b.append('(').append(osVersion).append(')');
        }
        if (architecture != null) {
            b.append('/').append(architecture);
            if (variant != null) {
                b.append('/').append(variant);
            }
        }
        return b.toString();
    }
}
