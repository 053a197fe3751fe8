package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same connection limits on the extender port and the webhook port (issue 14, item 3): request
 * headers dribbled a byte at a time are cut off after {@code osfit.request-read-timeout}, however often
 * bytes arrive, and no more than {@code osfit.max-connections} connections stay open on a port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("webhook")
class ConnectionLimitsTest {

    static final TestCertificates.Issued CA = TestCertificates.ca("limits CA");
    static final int WEBHOOK_PORT;
    static final int MAX_CONNECTIONS = 12;
    static final String TLS_DIR;

    static {
        try {
            Path secret = Files.createTempDirectory("osfit-limits-tls");
            TestCertificates.writeSecretVolume(secret, CA.sign("osfit webhook"), CA.certificate());
            TLS_DIR = secret.toString();
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                WEBHOOK_PORT = s.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("osfit.admission.tls-dir", () -> TLS_DIR);
        registry.add("osfit.admission.port", () -> String.valueOf(WEBHOOK_PORT));
        registry.add("osfit.request-read-timeout", () -> "1s");
        registry.add("osfit.idle-timeout", () -> "20s");
        registry.add("osfit.max-connections", () -> String.valueOf(MAX_CONNECTIONS));
    }

    @LocalServerPort
    int mainPort;

    Socket connect(int port) throws IOException {
        if (port != WEBHOOK_PORT) {
            return new Socket(InetAddress.getLoopbackAddress(), port);
        }
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) TestCertificates.Issued.clientContext(null, CA.certificate())
                .getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        s.startHandshake();
        return s;
    }

    /** One header byte every 200 ms never lets the idle timeout fire; the header deadline still does. */
    @Test
    void headersDribbledAByteAtATimeAreCutOffAfterTheRequestReadTimeout() throws Exception {
        for (int port : new int[] {mainPort, WEBHOOK_PORT}) {
            byte[] request = ("POST /filter HTTP/1.1\r\nHost: localhost\r\n" + "X-Slow: " + "a".repeat(200) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            try (Socket s = connect(port)) {
                s.setSoTimeout(200);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                long start = System.nanoTime();
                boolean closed = false;
                for (int i = 0; i < request.length && !closed; i++) {
                    try {
                        out.write(request[i]);
                        out.flush();
                        closed = in.read() == -1;
                    } catch (SocketTimeoutException stillOpen) {
                        // nothing to read yet: the server is still waiting for the headers
                    } catch (IOException reset) {
                        closed = true;
                    }
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(closed).as("port %d closed the dribbling connection", port).isTrue();
                // The deadline is 1 s from the first byte; the idle timeout (20 s) would not fire at all.
                assertThat(millis).as("port %d, ms until closed", port).isBetween(800L, 3500L);
            }
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAndAGoodRequestStillGetsThrough() throws Exception {
        for (int port : new int[] {mainPort, WEBHOOK_PORT}) {
            List<Socket> held = new ArrayList<>();
            try {
                int refusedAt = -1;
                for (int i = 0; i < MAX_CONNECTIONS + 5 && refusedAt < 0; i++) {
                    Socket s;
                    try {
                        s = connect(port);
                    } catch (IOException closedDuringHandshake) {
                        refusedAt = i;
                        break;
                    }
                    held.add(s);
                    s.setSoTimeout(100);
                    try {
                        if (s.getInputStream().read() == -1) {
                            refusedAt = i;
                        }
                    } catch (SocketTimeoutException open) {
                        // held open by the server: under the cap
                    } catch (IOException reset) {
                        refusedAt = i;
                    }
                }
                assertThat(refusedAt).as("port %d: the connection past the cap was closed", port).isBetween(1, MAX_CONNECTIONS);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            // Once the flood is gone, a good request is answered.
            Thread.sleep(300);
            try (Socket s = connect(port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("GET /actuator/health/liveness HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(status).as("port %d answers after the flood", port).startsWith("HTTP/1.1 ");
            }
        }
    }
}
