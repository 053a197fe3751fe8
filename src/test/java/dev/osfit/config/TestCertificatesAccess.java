package dev.osfit.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test certificates for tests outside this package: the files a mutual TLS setup needs. */
public final class TestCertificatesAccess {

    private TestCertificatesAccess() {
    }

    /**
     * {@code dir/osfit/} (tls.crt, tls.key, ca.crt: osfit's), {@code dir/right/} (a scheduler client certificate
     * from osfit's CA) and {@code dir/stranger/} (one from another CA); both scheduler directories trust osfit's CA.
     */
    private static TestCertificates.Issued ca;
    private static TestCertificates.Issued rightClient;

    /** A client context presenting the scheduler certificate from osfit's CA and trusting that CA. */
    public static javax.net.ssl.SSLContext rightClientContext() {
        return TestCertificates.Issued.clientContext(rightClient, ca.certificate());
    }

    /** A new certificate for osfit from the same CA: its PEM certificate, PEM key and serial. */
    public static String[] renewedServer(String cn) {
        TestCertificates.Issued renewed = ca.sign(cn);
        return new String[] {renewed.certificatePem(), renewed.keyPem(), renewed.certificate().getSerialNumber().toString()};
    }

    public static void writeMtlsFiles(Path dir) throws IOException {
        ca = TestCertificates.ca("osfit mtls CA");
        TestCertificates.Issued otherCa = TestCertificates.ca("another CA");
        TestCertificates.Issued server = ca.sign("osfit");
        Path osfit = Files.createDirectories(dir.resolve("osfit"));
        Files.writeString(osfit.resolve("tls.crt"), server.certificatePem());
        Files.writeString(osfit.resolve("tls.key"), server.keyPem());
        Files.writeString(osfit.resolve("ca.crt"), ca.certificatePem());
        rightClient = ca.sign("kube-scheduler");
        write(dir.resolve("right"), rightClient, ca);
        write(dir.resolve("stranger"), otherCa.sign("kube-scheduler"), ca);
    }

    private static void write(Path dir, TestCertificates.Issued client, TestCertificates.Issued trusted) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("scheduler-client.crt"), client.certificatePem());
        Files.writeString(dir.resolve("scheduler-client.key"), client.keyPem());
        Files.writeString(dir.resolve("ca.crt"), trusted.certificatePem());
    }
}
