package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real osfit process: readiness goes DOWN while osfit still answers, then a request
 * that was in flight all along still gets its answer, and the process exits by itself.
 */
class GracefulShutdownTest {

    static final Duration DRAIN = Duration.ofSeconds(3);

    Process osfit;

    @AfterEach
    void kill() {
        if (osfit != null) {
            osfit.destroyForcibly();
        }
    }

    @Test
    void readinessGoesDownFirstAndRequestsInFlightFinish() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.osfit.OsfitApplication",
                "--server.port=" + port, "--osfit.drain-delay=" + DRAIN.toSeconds() + "s"));
        osfit = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (status(http, base + "/actuator/health/readiness") != 200) {
            assertThat(System.nanoTime()).as("osfit ready within 60 s").isLessThan(deadline);
            assertThat(osfit.isAlive()).as("osfit running").isTrue();
            Thread.sleep(200);
        }

        byte[] body = Fixtures.bytes("filter-args-full-nodes.json");
        try (Socket inFlight = new Socket(InetAddress.getLoopbackAddress(), port)) {
            inFlight.setSoTimeout(30_000);
            OutputStream out = inFlight.getOutputStream();
            out.write(("POST /filter HTTP/1.1\r\nHost: osfit\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();

            long terminated = System.nanoTime();
            osfit.destroy(); // SIGTERM
            int readiness;
            do {
                Thread.sleep(100);
                readiness = status(http, base + "/actuator/health/readiness");
            } while (readiness == 200 && System.nanoTime() - terminated < DRAIN.toNanos());
            assertThat(readiness).as("readiness after SIGTERM").isEqualTo(503);
            assertThat(status(http, base + "/actuator/health/liveness")).as("still serving while draining").isEqualTo(200);

            // Past the drain: the server takes no new connections but waits for the request in flight.
            Thread.sleep(Math.max(0, DRAIN.toMillis() + 1000 - Duration.ofNanos(System.nanoTime() - terminated).toMillis()));
            assertThat(status(http, base + "/actuator/health/liveness")).as("new connections after the drain").isEqualTo(-1);
            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            String answer = readResponse(inFlight.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"FailedAndUnresolvableNodes\"");
        }
        assertThat(osfit.waitFor(30, TimeUnit.SECONDS)).as("osfit exits by itself").isTrue();
        assertThat(osfit.exitValue()).as("the JVM's exit status on SIGTERM").isEqualTo(143);
    }

    /** The status, or -1 when the connection is refused or reset. */
    private static int status(HttpClient http, String url) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (ConnectException e) {
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** One HTTP/1.1 response with a Content-Length, read whole. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int contentLength = -1;
        int headerEnd = -1;
        byte[] chunk = new byte[8192];
        while (headerEnd < 0 || buffer.size() < headerEnd + contentLength) {
            int n = in.read(chunk);
            if (n < 0) {
                break;
            }
            buffer.write(chunk, 0, n);
            if (headerEnd < 0) {
                String text = buffer.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    headerEnd = end + 4;
                    for (String line : text.substring(0, end).split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            contentLength = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                }
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
