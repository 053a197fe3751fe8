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
    /** Mirrors and locations the admin configured (containerd's hosts.toml, registries.conf): allowed by being there. */
    private final java.util.function.BiPredicate<String, Integer> configured;

    public RegistryPolicy(List<String> allow, List<String> deny, boolean allowOnly) {
        this(allow, deny, allowOnly, (host, port) -> false);
    }

    RegistryPolicy(List<String> allow, List<String> deny, boolean allowOnly, java.util.function.BiPredicate<String, Integer> configured) {
        this.allow = normalize(allow);
        this.deny = normalize(deny);
        this.allowOnly = allowOnly;
        this.configured = configured;
    }

    private static List<String> normalize(List<String> hosts) {
        return hosts == null ? List.of() : hosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
    }

    /** Why this host (with optional port) may not be contacted, or null when it may. */
    public String refuseHost(String host, int port) {
        if (matches(deny, host, port)) {
            return "registry host " + host + " is in osfit.registry.deny";
        }
        if (allowOnly && !matches(allow, host, port) && !configured.test(host, port)) {
            return "registry host " + host + " is not in osfit.registry.allow (osfit.registry.allow-only is set)";
        }
        return null;
    }

    /** Why this resolved address of the host may not be contacted, or null when it may. */
    public String refuseAddress(String host, int port, InetAddress address) {
        if (matches(allow, host, port) || configured.test(host, port)) {
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
            if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                    && (b[4] & 0xff) == 0x00 && (b[5] & 0xff) == 0x01) {
                return "local-use NAT64"; // 64:ff9b:1::/48 (RFC 8215): translated inside this network
            }
            // An IPv4 address carried inside the IPv6 one reaches that IPv4 host: judge it by the same rule.
            for (byte[] v4 : embeddedIPv4(b)) {
                String kind = restrictedKind(toAddress(v4));
                if (kind != null) {
                    return kind + " (embedded in " + a.getHostAddress() + ")";
                }
            }
        }
        return null;
    }

    /**
     * The IPv4 addresses an IPv6 address embeds: IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d,
     * NAT64's well-known prefix 64:ff9b::/96 (RFC 6052), 6to4 2002:AABB:CCDD::/48 (RFC 3056), Teredo
     * 2001:0::/32 (the server, and the client inverted; RFC 4380) and ISATAP ::5efe:a.b.c.d (RFC 5214).
     */
    static List<byte[]> embeddedIPv4(byte[] b) {
        List<byte[]> out = new java.util.ArrayList<>(2);
        boolean zero10 = true;
        for (int i = 0; i < 10; i++) {
            zero10 &= b[i] == 0;
        }
        if (zero10 && ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff || b[10] == 0 && b[11] == 0)) {
            out.add(new byte[] {b[12], b[13], b[14], b[15]}); // mapped or compatible
        }
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; i < 12; i++) {
            nat64 &= b[i] == 0;
        }
        if (nat64) {
            out.add(new byte[] {b[12], b[13], b[14], b[15]});
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            out.add(new byte[] {b[2], b[3], b[4], b[5]}); // 6to4
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
            out.add(new byte[] {b[4], b[5], b[6], b[7]}); // Teredo server
            out.add(new byte[] {(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]}); // Teredo client, inverted
        }
        if ((b[8] & 0xfd) == 0 && b[9] == 0 && (b[10] & 0xff) == 0x5e && (b[11] & 0xff) == 0xfe) {
            out.add(new byte[] {b[12], b[13], b[14], b[15]}); // ISATAP
        }
        return out;
    }

    private static InetAddress toAddress(byte[] v4) {
        try {
            return InetAddress.getByAddress(v4);
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
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
