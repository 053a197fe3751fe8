package dev.osfit.registry;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Which registry hosts osfit may contact, and at which addresses. Pod authors choose image names, so
 * without this an image name would be a way to make osfit send requests into the cluster's network
 * (cloud metadata at 169.254.169.254, internal services).
 *
 * <ul>
 *   <li>{@code deny}: hosts never contacted;</li>
 *   <li>{@code allow}: hosts that may be contacted even at loopback, link-local or private addresses;</li>
 *   <li>{@code allowOnly}: contact nothing but the {@code allow} hosts.</li>
 * </ul>
 * A list entry is a host name or {@code host:port}; an entry starting with '.' matches every subdomain.
 * Addresses are checked after resolution, on every connection (redirects and token services too).
 */
public final class RegistryPolicy {

    private final List<String> allow;
    private final List<String> deny;
    private final boolean allowOnly;

    public RegistryPolicy(List<String> allow, List<String> deny, boolean allowOnly) {
        this.allow = normalize(allow);
        this.deny = normalize(deny);
        this.allowOnly = allowOnly;
    }

    private static List<String> normalize(List<String> hosts) {
        return hosts == null ? List.of() : hosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
    }

    /** Why this host (with optional port) may not be contacted, or null when it may. */
    public String refuseHost(String host, int port) {
        if (matches(deny, host, port)) {
            return "registry host " + host + " is in osfit.registry.deny";
        }
        if (allowOnly && !matches(allow, host, port)) {
            return "registry host " + host + " is not in osfit.registry.allow (osfit.registry.allow-only is set)";
        }
        return null;
    }

    /** Why this resolved address of the host may not be contacted, or null when it may. */
    public String refuseAddress(String host, int port, InetAddress address) {
        if (matches(allow, host, port)) {
            return null;
        }
        String kind = restrictedKind(address);
        return kind == null ? null
                : "registry host " + host + " resolves to " + kind + " address " + address.getHostAddress()
                + " (list the host in osfit.registry.allow to permit it)";
    }

    /** The kind of a non-public address, or null for a public one. */
    static String restrictedKind(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 100 && second >= 64 && second < 128) {
                return "shared (CGNAT)";
            }
            if (first == 0 || first >= 240) {
                return "reserved";
            }
        } else if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique-local";
            }
            // IPv4-mapped (::ffff:a.b.c.d): judge the IPv4 address.
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return restrictedKind(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (java.net.UnknownHostException impossible) {
                    return "invalid";
                }
            }
        }
        return null;
    }

    private static boolean matches(List<String> list, String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        for (String entry : list) {
            if (entry.equals(h) || entry.equals(h + ":" + port) || entry.equals("[" + h + "]:" + port)
                    || (entry.startsWith(".") && h.endsWith(entry))) {
                return true;
            }
        }
        return false;
    }
}
