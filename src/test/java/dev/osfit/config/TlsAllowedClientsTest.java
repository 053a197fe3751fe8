package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Mutual TLS with osfit.tls.allowed-clients: of the certificates the CA signed, only the allowed
 * identities may call; osfit's own server certificate, signed by the same CA, may not.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "osfit.tls.allowed-clients=kube-scheduler")
@ActiveProfiles("tls")
class TlsAllowedClientsTest {

    static final TestCertificates.Issued CA = TestCertificates.ca("osfit test CA");
    static final TestCertificates.Issued SERVER = CA.sign("osfit");
    static final TestCertificates.Issued SCHEDULER = CA.sign("kube-scheduler");
    static final TestCertificates.Issued INTRUDER = CA.sign("some-controller");
    static final Path SECRET;

    static {
        try {
            SECRET = Files.createTempDirectory("osfit-tls-allowed");
            TestCertificates.writeSecretVolume(SECRET, SERVER, CA.certificate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        registry.add("osfit.tls.dir", SECRET::toString);
        registry.add("management.server.port", () -> "0");
    }

    @LocalServerPort
    int port;

    private int status(TestCertificates.Issued client) throws Exception {
        SSLContext context = TestCertificates.Issued.clientContext(client, CA.certificate());
        HttpClient http = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/filter"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"Pod\":{},\"NodeNames\":[\"n\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 403) {
            assertThat(r.body()).isEqualTo("{\"Error\":\"client certificate is not in osfit.tls.allowed-clients\"}");
        }
        return r.statusCode();
    }

    @Test
    void onlyTheAllowedIdentityIsServed() throws Exception {
        assertThat(status(SCHEDULER)).isEqualTo(200);
        assertThat(status(INTRUDER)).as("another client of the same CA").isEqualTo(403);
        assertThat(status(SERVER)).as("osfit's own server certificate").isEqualTo(403);
    }
}
