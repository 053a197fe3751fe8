package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The tls profile: HTTPS with mutual TLS on the extender port, the certificate files reloaded when
 * the mounted Secret is rotated, health and metrics over HTTPS without a client certificate.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("tls")
class TlsTest {

    static final TestCertificates.Issued CA = TestCertificates.ca("osfit test CA");
    static final TestCertificates.Issued SERVER = CA.sign("osfit");
    static final TestCertificates.Issued SCHEDULER = CA.sign("kube-scheduler");
    static final TestCertificates.Issued OTHER_CA = TestCertificates.ca("someone else's CA");
    static final TestCertificates.Issued STRANGER = OTHER_CA.sign("kube-scheduler");
    static final Path SECRET;

    static {
        try {
            SECRET = Files.createTempDirectory("osfit-tls");
            TestCertificates.writeSecretVolume(SECRET, SERVER, CA.certificate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        registry.add("osfit.tls.dir", SECRET::toString);
        registry.add("management.server.port", () -> "0");
        registry.add("spring.ssl.bundle.watch.file.quiet-period", () -> "200ms");
    }

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.core.env.Environment environment;

    /** The certificate osfit serves now (the rotation tests change it). */
    static volatile TestCertificates.Issued current = SERVER;

    double count(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Refused handshakes are counted by reason (and logged, at most one line every 10 s). */
    @Test
    void refusedHandshakesAreCountedByReason() throws Exception {
        double unknownCa = count("osfit.tls.handshake.failures", "port", "main", "reason", "unknown_ca");
        double noCertificate = count("osfit.tls.handshake.failures", "port", "main", "reason", "no_certificate");
        assertThatThrownBy(() -> filter(TestCertificates.Issued.clientContext(STRANGER, CA.certificate()))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> filter(TestCertificates.Issued.clientContext(null, CA.certificate()))).isInstanceOf(IOException.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((count("osfit.tls.handshake.failures", "port", "main", "reason", "unknown_ca") == unknownCa
                || count("osfit.tls.handshake.failures", "port", "main", "reason", "no_certificate") == noCertificate)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count("osfit.tls.handshake.failures", "port", "main", "reason", "unknown_ca")).as("a certificate from another CA")
                .isEqualTo(unknownCa + 1);
        assertThat(count("osfit.tls.handshake.failures", "port", "main", "reason", "no_certificate")).as("no certificate")
                .isEqualTo(noCertificate + 1);
    }

    /**
     * A rotation caught half done (the new tls.crt beside the old tls.key) is not applied: osfit keeps serving
     * the previous certificate and no handshake fails; once the key arrives the new certificate is served.
     */
    @Test
    void aNewCertificateIsServedOnlyOnceItsKeyIsThere() throws Exception {
        TestCertificates.Issued renewed = CA.sign("osfit rotated in two steps");
        double mismatched = count("osfit.tls.reloads", "bundle", "osfit", "outcome", "mismatched");
        TestCertificates.writeSecretVolume(SECRET, renewed, current, CA.certificate());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (count("osfit.tls.reloads", "bundle", "osfit", "outcome", "mismatched") == mismatched && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count("osfit.tls.reloads", "bundle", "osfit", "outcome", "mismatched")).isEqualTo(mismatched + 1);
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> answer = filter(TestCertificates.Issued.clientContext(SCHEDULER, CA.certificate()));
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(((X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber())
                    .as("still the previous certificate").isEqualTo(current.certificate().getSerialNumber());
        }
        TestCertificates.writeSecretVolume(SECRET, renewed, CA.certificate());
        current = renewed;
        BigInteger served;
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        do {
            Thread.sleep(100);
            HttpResponse<String> answer = filter(TestCertificates.Issued.clientContext(SCHEDULER, CA.certificate()));
            assertThat(answer.statusCode()).isEqualTo(200);
            served = ((X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
        } while (!served.equals(renewed.certificate().getSerialNumber()) && System.nanoTime() < deadline);
        assertThat(served).isEqualTo(renewed.certificate().getSerialNumber());
        assertThat(meters.find("osfit.tls.certificate.expiry").tag("bundle", "osfit").gauge().value())
                .isEqualTo(renewed.certificate().getNotAfter().getTime() / 1000);
    }

    /** The management port listens where the server does (loopback here), not on every interface. */
    @Test
    void theManagementPortBindsTheServersAddress() throws Exception {
        assertThat(environment.getProperty("management.server.address")).isEqualTo(environment.getProperty("server.address", "127.0.0.1"));
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var address : java.util.Collections.list(nic.getInetAddresses())) {
                if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
                    continue;
                }
                try (java.net.Socket s = new java.net.Socket()) {
                    assertThatThrownBy(() -> s.connect(new java.net.InetSocketAddress(address, managementPort), 2000))
                            .as("management port on %s", address).isInstanceOf(IOException.class);
                }
            }
        }
    }

    @LocalManagementPort
    int managementPort;

    @Test
    void aClientWithACertificateFromTheCaIsServed() throws Exception {
        HttpResponse<String> answer = filter(TestCertificates.Issued.clientContext(SCHEDULER, CA.certificate()));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"FailedNodes\"");
    }

    @Test
    void aClientWithoutACertificateIsRefused() {
        assertThatThrownBy(() -> filter(TestCertificates.Issued.clientContext(null, CA.certificate()))).isInstanceOf(IOException.class);
    }

    @Test
    void aClientWithACertificateFromAnotherCaIsRefused() {
        assertThatThrownBy(() -> filter(TestCertificates.Issued.clientContext(STRANGER, CA.certificate()))).isInstanceOf(IOException.class);
    }

    @Test
    void plainHttpIsNotServedOnTheExtenderPort() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/filter"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(fixture())).build();
        // Netty's TLS handler reads the plain request as a broken handshake and closes the connection.
        assertThatThrownBy(() -> plain.send(request, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void healthIsServedOverHttpsWithoutAClientCertificate() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TestCertificates.Issued.clientContext(null, CA.certificate())).build();
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + managementPort + "/actuator/health/liveness")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void aRotatedCertificateIsServedWithoutARestart() throws Exception {
        // Twice: Spring Boot once followed only the first swap of the Secret's ..data link (spring-boot#44807).
        for (int rotation = 1; rotation <= 2; rotation++) {
            TestCertificates.Issued renewed = CA.sign("osfit renewed " + rotation);
            TestCertificates.writeSecretVolume(SECRET, renewed, CA.certificate());
            current = renewed;
            BigInteger expected = renewed.certificate().getSerialNumber();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            BigInteger served;
            do {
                Thread.sleep(100);
                HttpResponse<String> answer = filter(TestCertificates.Issued.clientContext(SCHEDULER, CA.certificate()));
                assertThat(answer.statusCode()).isEqualTo(200);
                served = ((X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
            } while (!served.equals(expected) && System.nanoTime() < deadline);
            assertThat(served).as("serial of the served certificate after rotation %d", rotation).isEqualTo(expected);
        }
    }

    private HttpResponse<String> filter(SSLContext context) throws IOException, InterruptedException {
        // A new client each time: a new connection, so a new handshake.
        HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/filter"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(fixture())).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] fixture() {
        try (InputStream in = TlsTest.class.getResourceAsStream("/kube-scheduler/v1.32.5/filter-args-full-nodes.json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
