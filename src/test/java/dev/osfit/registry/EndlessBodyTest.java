package dev.osfit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.osfit.image.ImageRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A registry that answers with a body without end (issue 14, item 5): osfit must close the connection
 * instead of reading on until its timeout, and say what happened. A raw socket plays the registry, since
 * WireMock cannot send a body without end; it stops by itself after 20 s or 1 GiB.
 */
class EndlessBodyTest {

    static final int MAX_MANIFEST = 64 * 1024;

    ServerSocket socket;
    Thread server;
    final AtomicLong written = new AtomicLong();
    final CountDownLatch clientClosed = new CountDownLatch(1);
    RegistryClient client;

    void serve(String statusLine, String headers) throws IOException {
        socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        server = new Thread(() -> {
            try (Socket s = socket.accept()) {
                InputStream in = s.getInputStream();
                // Read the request's headers, then answer with a body that does not end.
                int matched = 0;
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                OutputStream out = s.getOutputStream();
                out.write((statusLine + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[16 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'x');
                boolean chunked = headers.contains("chunked");
                byte[] chunkHeader = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < end && written.get() < (1L << 30)) {
                    if (chunked) {
                        out.write(chunkHeader);
                    }
                    out.write(chunk);
                    if (chunked) {
                        out.write('\r');
                        out.write('\n');
                    }
                    written.addAndGet(chunk.length);
                }
            } catch (IOException closedByOsfit) {
                clientClosed.countDown();
            }
        }, "endless-registry");
        server.setDaemon(true);
        server.start();
        String host = "127.0.0.1:" + socket.getLocalPort();
        client = new RegistryClient(new RegistryClient.Settings(Set.of(host), null, Duration.ofSeconds(2), Duration.ofSeconds(10), MAX_MANIFEST, 3),
                new RegistryPolicy(List.of("127.0.0.1"), List.of(), false), RegistryCredentials.none());
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (socket != null) {
            socket.close();
        }
        if (server != null) {
            server.join(25_000);
        }
    }

    @ParameterizedTest(name = "{0} with {1}: {2}, connection closed")
    @CsvSource(delimiter = '|', value = {
            "HTTP/1.1 200 OK | Content-Length: 48318382080 | TOO_LARGE",
            "HTTP/1.1 200 OK | Transfer-Encoding: chunked | TOO_LARGE",
            "HTTP/1.1 404 Not Found | Content-Length: 48318382080 | NOT_FOUND",
            "HTTP/1.1 403 Forbidden | Transfer-Encoding: chunked | FORBIDDEN",
            "HTTP/1.1 401 Unauthorized | Content-Length: 48318382080 | UNAUTHORIZED",
            "HTTP/1.1 500 Internal Server Error | Transfer-Encoding: chunked | SERVER_ERROR"})
    void aBodyWithoutEndIsCutOffAndClassified(String status, String header, RegistryException.Kind kind) throws Exception {
        serve(status, "Content-Type: application/vnd.oci.image.index.v1+json\r\n" + header + "\r\n");
        ImageRef ref = ((ImageRef.Valid) ImageRef.parse("127.0.0.1:" + socket.getLocalPort() + "/app:1")).ref();
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> client.platforms(ref).block(Duration.ofSeconds(30)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(failure).isInstanceOf(RegistryException.class);
        assertThat(((RegistryException) failure).kind()).as(failure.getMessage() + " after " + written.get()).isEqualTo(kind);
        // Closed at once, not read until the 10 s timeout; the registry sees the connection go.
        assertThat(millis).as("ms until the answer").isLessThan(3000);
        assertThat(clientClosed.await(5, TimeUnit.SECONDS)).as("the registry saw osfit close the connection").isTrue();
        assertThat(written.get()).as("bytes the registry got to send").isLessThan(64L * 1024 * 1024);
    }
}
