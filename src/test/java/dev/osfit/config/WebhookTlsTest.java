package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The webhook profile: the admission webhook alone on its own HTTPS port, no client certificate
 * asked, the certificate reloaded when the mounted Secret is rotated.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("webhook")
class WebhookTlsTest {

    static final TestCertificates.Issued CA = TestCertificates.ca("webhook CA");
    static final Path SECRET;
    static final int PORT;

    static {
        try {
            SECRET = Files.createTempDirectory("osfit-webhook-tls");
            TestCertificates.writeSecretVolume(SECRET, CA.sign("osfit webhook"), CA.certificate());
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                PORT = s.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void webhook(DynamicPropertyRegistry registry) {
        registry.add("osfit.admission.tls-dir", SECRET::toString);
        registry.add("osfit.admission.port", () -> String.valueOf(PORT));
        registry.add("spring.ssl.bundle.watch.file.quiet-period", () -> "200ms");
        registry.add("osfit.idle-timeout", () -> "1s");
    }

    /** A connection that never asks anything is closed, on the webhook port as on the main one. */
    @org.junit.jupiter.api.Test
    void aConnectionThatNeverSendsARequestIsClosed() throws Exception {
        for (int port : new int[] {mainPort, PORT}) {
            System.out.println("idle check on port " + port + (port == PORT ? " (webhook)" : " (main)"));
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(8000);
                long start = System.nanoTime();
                assertThat(s.getInputStream().read()).as("port %d closes the connection", port).isEqualTo(-1);
                assertThat((System.nanoTime() - start) / 1_000_000).as("port %d, ms", port).isBetween(500L, 5000L);
            }
        }
    }

    /**
     * A client that announces a body over osfit.max-request-size and waits for 100 Continue gets the refusal
     * instead, on the webhook port as on the main one, and never the go-ahead to send it.
     */
    @Test
    void anAnnouncedBodyOverTheLimitIsRefusedBeforeItIsSent() throws Exception {
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) TestCertificates.Issued.clientContext(null, CA.certificate())
                .getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), PORT);
        try (s) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /admission/pods HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 209715200\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 413");
        }
    }

    @org.springframework.boot.test.web.server.LocalServerPort
    int mainPort;

    static final String REVIEW = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","operation":"UPDATE",
             "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"default","object":{"metadata":{"name":"p"}}}}""";

    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        // The API server presents no client certificate.
        HttpClient client = HttpClient.newBuilder().sslContext(TestCertificates.Issued.clientContext(null, CA.certificate()))
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + PORT + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(REVIEW)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theWebhookPortAnswersAdmissionReviewsAndNothingElse() throws Exception {
        HttpResponse<String> review = post("/admission/pods");
        assertThat(review.statusCode()).isEqualTo(200);
        assertThat(review.body()).contains("\"uid\":\"u-1\"", "\"allowed\":true");
        assertThat(post("/filter").statusCode()).isEqualTo(404);
    }

    @Test
    void aRotatedCertificateIsServedWithoutARestart() throws Exception {
        for (int rotation = 1; rotation <= 2; rotation++) {
            TestCertificates.Issued renewed = CA.sign("osfit webhook renewed " + rotation);
            TestCertificates.writeSecretVolume(SECRET, renewed, CA.certificate());
            BigInteger expected = renewed.certificate().getSerialNumber();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            BigInteger served = null;
            do {
                Thread.sleep(100);
                // Every call succeeds: the port stays bound while the certificate changes.
                HttpResponse<String> answer = post("/admission/pods");
                assertThat(answer.statusCode()).isEqualTo(200);
                served = ((X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
            } while (!expected.equals(served) && System.nanoTime() < deadline);
            assertThat(served).as("serial served after rotation %d", rotation).isEqualTo(expected);
        }
    }
}
