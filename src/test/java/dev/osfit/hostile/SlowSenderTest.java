package dev.osfit.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A sender that stops halfway, or dribbles, is cut off after osfit.request-read-timeout. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "osfit.request-read-timeout=1s")
@AutoConfigureWebTestClient
class SlowSenderTest {

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient client;

    @Test
    void aSenderThatStopsHalfwayIsAnswered408AndCutOff() throws Exception {
        assertThat(stall(false)).startsWith("HTTP/1.1 408");
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"Pod\":{},\"NodeNames\":[\"n\"]}").exchange().expectStatus().isOk();
    }

    @Test
    void aSenderThatDribblesIsCutOffToo() throws Exception {
        assertThat(stall(true)).satisfiesAnyOf(s -> assertThat(s).startsWith("HTTP/1.1 408"), s -> assertThat(s).isEqualTo("closed"));
    }

    /** Sends headers and part of the body, then nothing (or a byte a second); returns what the server says. */
    private String stall(boolean dribble) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(200);
            OutputStream out = s.getOutputStream();
            out.write("POST /filter HTTP/1.1\r\nHost: osfit\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"Pod\":"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            long deadline = System.nanoTime() + 8_000_000_000L;
            while (System.nanoTime() < deadline) {
                try {
                    byte[] b = new byte[64];
                    int n = in.read(b);
                    return n < 0 ? "closed" : new String(b, 0, n, StandardCharsets.US_ASCII);
                } catch (SocketTimeoutException nothingYet) {
                    if (dribble) {
                        try {
                            out.write(' ');
                            out.flush();
                        } catch (java.io.IOException closed) {
                            return "closed";
                        }
                    }
                }
            }
            return "still open after 8 s";
        }
    }
}
