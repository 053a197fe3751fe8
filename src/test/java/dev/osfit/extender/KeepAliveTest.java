package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * kube-scheduler reuses keep-alive connections and sends the next request as soon as it has read an
 * answer. Large requests sent back to back on several connections must all be answered: Reactor
 * Netty 1.3.7 stopped reading such a connection when the next request arrived before it had
 * finished with the previous answer (reactor/reactor-netty#4361), and the request hung forever.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeepAliveTest {

    @LocalServerPort
    int port;

    @Test
    void largeRequestsBackToBackOnKeepAliveConnectionsAreAllAnswered() throws Exception {
        byte[] body = largeRequest();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                clients.add(pool.submit(() -> client(body, 20)));
            }
            for (Future<Integer> client : clients) {
                assertThat(client.get(45, TimeUnit.SECONDS)).isEqualTo(20);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends {@code count} requests on one connection, each after reading the previous answer; returns the 200s. */
    private int client(byte[] body, int count) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000); // a stuck connection fails the test instead of hanging it
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            int ok = 0;
            for (int i = 0; i < count; i++) {
                out.write(("POST /filter HTTP/1.1\r\nHost: osfit\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                String headers = readHeaders(in);
                int length = Integer.parseInt(headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                        .findFirst().orElseThrow().substring(15).trim());
                in.readNBytes(length);
                ok += headers.startsWith("HTTP/1.1 200") ? 1 : 0;
            }
            return ok;
        }
    }

    private static String readHeaders(InputStream in) throws Exception {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            h.write(c);
            byte[] b = h.toByteArray();
            int n = b.length;
            if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n') {
                break;
            }
        }
        return h.toString(StandardCharsets.US_ASCII);
    }

    /** The recorded full-nodes request, its node list repeated to about 3 MB. */
    private static byte[] largeRequest() throws Exception {
        String recorded = new String(Fixtures.bytes("filter-args-full-nodes.json"), StandardCharsets.UTF_8);
        String items = recorded.substring(recorded.indexOf("\"items\": [") + 10, recorded.lastIndexOf(']', recorded.lastIndexOf("\"NodeNames\"")));
        items = items.substring(0, items.lastIndexOf('}') + 1);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            all.append(i == 0 ? "" : ",").append(items.replace("\"name\": \"win", "\"name\": \"n" + i + "-win"));
        }
        String body = recorded.substring(0, recorded.indexOf("\"items\": [") + 10) + all
                + recorded.substring(recorded.lastIndexOf(']', recorded.lastIndexOf("\"NodeNames\"")));
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
