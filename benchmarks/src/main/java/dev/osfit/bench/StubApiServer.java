package dev.osfit.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the API server's node endpoints on 127.0.0.1: {@code GET /api/v1/nodes} answers a
 * prepared NodeList; with {@code watch=true} it opens a stream, sends a bookmark and holds it open
 * until {@code timeoutSeconds} (at most 60 s) or {@link #stop()}. Can be stopped and started again on
 * the same port.
 */
public final class StubApiServer implements AutoCloseable {

    private final byte[] list;
    private final int port;
    /** When set, open watches stream one MODIFIED event from this supplier every {@code eventMillis}. */
    private volatile java.util.function.Supplier<String> events;
    private volatile long eventMillis = 100;
    private final AtomicInteger sentEvents = new AtomicInteger();
    private final AtomicInteger lists = new AtomicInteger();
    private final AtomicInteger watches = new AtomicInteger();
    private HttpServer server;
    private ExecutorService executor;

    public StubApiServer(byte[] list, int port) throws IOException {
        this.list = list;
        start(port);
        this.port = server.getAddress().getPort();
    }

    private void start(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 64);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/v1/nodes", this::nodes);
        server.start();
    }

    private void nodes(HttpExchange exchange) throws IOException {
        String query = String.valueOf(exchange.getRequestURI().getRawQuery());
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (!query.contains("watch=true")) {
            lists.incrementAndGet();
            exchange.sendResponseHeaders(200, list.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(list);
            }
            return;
        }
        watches.incrementAndGet();
        exchange.sendResponseHeaders(200, 0);
        long until = System.currentTimeMillis() + 1000L * Math.min(60, timeoutSeconds(query));
        try (OutputStream out = exchange.getResponseBody()) {
            out.write("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"}}}\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (System.currentTimeMillis() < until) {
                java.util.function.Supplier<String> source = events;
                if (source == null) {
                    Thread.sleep(100);
                    continue;
                }
                Thread.sleep(eventMillis);
                out.write(("{\"type\":\"MODIFIED\",\"object\":" + source.get() + "}\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                sentEvents.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int timeoutSeconds(String query) {
        for (String part : query.split("&")) {
            if (part.startsWith("timeoutSeconds=")) {
                return Integer.parseInt(part.substring("timeoutSeconds=".length()));
            }
        }
        return 60;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops serving and drops open watches: the API server is down. */
    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Serves again on the same port. */
    public void restart() throws IOException {
        start(port);
    }

    /** Streams a node event from {@code source} every {@code millis} on every open watch. */
    public void streamEvents(java.util.function.Supplier<String> source, long millis) {
        this.eventMillis = millis;
        this.events = source;
    }

    public int sentEvents() {
        return sentEvents.get();
    }

    public int lists() {
        return lists.get();
    }

    public int watches() {
        return watches.get();
    }

    public Path kubeconfig(Path dir) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig-" + port), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: stub
                  cluster:
                    server: %s
                contexts:
                - name: stub
                  context: {cluster: stub, user: stub}
                current-context: stub
                users:
                - name: stub
                  user: {token: stub}
                """.formatted(url()));
    }

    @Override
    public void close() {
        stop();
    }
}
