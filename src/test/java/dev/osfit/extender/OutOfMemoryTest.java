package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request osfit has no heap for (issue 14, item 2) is answered, not left hanging: a real osfit
 * process with a 96 MB heap and no -XX:+ExitOnOutOfMemoryError gets a 120 MB body under a 200 MB
 * osfit.max-request-size. Reactor rethrows an OutOfMemoryError on its worker, so before the fix the
 * request never got an answer; now it gets 503 with Connection: close, and the next request is served.
 */
class OutOfMemoryTest {

    static final int BODY = 120 * 1024 * 1024;
    static Process osfit;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        osfit = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:MaxDirectMemorySize=512m", "-XX:-ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.osfit.OsfitApplication",
                "--server.port=" + port, "--osfit.max-request-size=200MB", "--osfit.request-read-timeout=60s",
                "--spring.http.codecs.max-in-memory-size=200MB", "--osfit.nodes.source=request"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // starting
            }
            assertThat(System.nanoTime()).as("osfit ready within 60 s").isLessThan(deadline);
            assertThat(osfit.isAlive()).as("osfit running").isTrue();
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() {
        if (osfit != null) {
            osfit.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "POST {0} larger than the heap: 503 and the connection closed, then served again")
    @ValueSource(strings = {"/filter", "/explain", "/prioritize"})
    void aBodyLargerThanTheHeapIsAnswered(String path) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: osfit\r\nContent-Type: application/json\r\nContent-Length: " + BODY
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (int sent = 0; sent < BODY; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("connection: close")
                    .contains("{\"Error\":\"osfit has no memory left for this request\"}");
        }
        assertThat(osfit.isAlive()).as("osfit still running").isTrue();
        HttpResponse<String> next = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/filter"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes("filter-args-full-nodes.json"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(next.body()).contains("\"FailedAndUnresolvableNodes\"");
    }

    /** Everything until the server closes the connection (Connection: close). */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer);
        return buffer.toString(StandardCharsets.ISO_8859_1);
    }
}
