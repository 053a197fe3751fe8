package dev.osfit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which addresses a registry host may not resolve to, IPv6 forms that embed an IPv4 address included. */
class RegistryPolicyTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "169.254.169.254 | link-local",
            "10.1.2.3 | private",
            "127.0.0.1 | loopback",
            "::ffff:169.254.169.254 | link-local",
            "::a9fe:a9fe | link-local (embedded in",
            "64:ff9b::a9fe:a9fe | link-local (embedded in",
            "64:ff9b::7f00:1 | loopback (embedded in",
            "64:ff9b::a01:203 | private (embedded in",
            "64:ff9b:1::a9fe:a9fe | local-use NAT64",
            "2002:a9fe:a9fe::1 | link-local (embedded in",
            "2002:7f00:1::1 | loopback (embedded in",
            "2001:0:a9fe:a9fe::1 | link-local (embedded in",
            "2001:0:4136:e378:8000:63bf:f5ff:fffe | private (embedded in",
            "fe80::5efe:a9fe:a9fe | link-local",
            "2001:db8::5efe:a01:203 | private (embedded in",
            "fd00::1 | unique-local"})
    void restrictedAddresses(String address, String kind) throws Exception {
        assertThat(RegistryPolicy.restrictedKind(InetAddress.getByName(address))).startsWith(kind.trim());
    }

    @ParameterizedTest(name = "{0} is public")
    @CsvSource({"8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1", "2001:0:808:808:8000:63bf:f7f7:f7f7"})
    void publicAddresses(String address) throws Exception {
        assertThat(RegistryPolicy.restrictedKind(InetAddress.getByName(address))).isNull();
    }
}
