package dev.osfit.registry;

import java.util.Locale;

/**
 * The kubelet's rule for whether a credential key or a plugin's {@code matchImages} entry applies to
 * an image (k8s.io/kubernetes/pkg/credentialprovider URLsMatch): the same number of host parts, each
 * matching, where {@code *} in a pattern part matches within that part only ({@code *.azurecr.io},
 * {@code k8s.*.io}); the pattern's port, if it has one, equal; and the pattern's path a prefix of
 * the image's path. Keys may carry a scheme ({@code https://index.docker.io/v1/}), which is ignored.
 */
final class ImageMatch {

    private ImageMatch() {
    }

    /** Whether pattern applies to image (registry host[:port]/repository, no tag). */
    static boolean matches(String pattern, String image) {
        Parts p = Parts.of(pattern);
        Parts i = Parts.of(image);
        if (p == null || i == null) {
            return false;
        }
        String[] ph = p.host().split("\\.", -1);
        String[] ih = i.host().split("\\.", -1);
        if (ph.length != ih.length) {
            return false;
        }
        for (int k = 0; k < ph.length; k++) {
            if (!glob(ph[k], ih[k])) {
                return false;
            }
        }
        if (!p.port().isEmpty() && !p.port().equals(i.port())) {
            return false;
        }
        return i.path().startsWith(p.path());
    }

    /** How specific a key is: kubelet tries keys in reverse lexical order, so longer paths and hosts go first. */
    static int compareSpecificFirst(String a, String b) {
        return b.compareTo(a);
    }

    private static boolean glob(String pattern, String text) {
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(text);
        }
        // Each '*' matches any run of characters within the part; patterns are short and written by admins.
        String regex = java.util.regex.Pattern.quote(pattern).replace("*", "\\E[^.]*\\Q");
        return text.matches(regex);
    }

    private record Parts(String host, String port, String path) {
        static Parts of(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            int scheme = v.indexOf("://");
            if (scheme >= 0) {
                v = v.substring(scheme + 3);
            }
            if (v.isEmpty() || v.length() > 1024) {
                return null;
            }
            int slash = v.indexOf('/');
            String authority = slash < 0 ? v : v.substring(0, slash);
            String path = slash < 0 ? "" : v.substring(slash);
            if (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            int colon = authority.lastIndexOf(':');
            String host = colon < 0 ? authority : authority.substring(0, colon);
            String port = colon < 0 ? "" : authority.substring(colon + 1);
            return host.isEmpty() ? null : new Parts(host, port, path);
        }
    }
}
