package dev.osfit.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The floor for a names-mode extender inside the real kube-scheduler: the cheapest answers that make
 * osfit's decisions. {@code /filter} passes the names it is sent except those listed in a file (the
 * Windows nodes, which osfit rejects for a Linux pod), reported unresolvable with a short reason as osfit
 * reports them; {@code /prioritize} answers {@code []} (every node alike, as osfit answers for such a pod).
 * No JSON library, no framework: blocking sockets, a thread per connection (kube-scheduler keeps a few
 * alive), the request scanned for the one array it needs and the answer written into a reused buffer.
 *
 * <pre>java -cp ... dev.osfit.bench.NoopExtender FILE-OF-NAMES-TO-FAIL</pre>
 * prints its port on the first line, then serves on 127.0.0.1 until it is stopped.
 */
public final class NoopExtender {

    private static final byte[] NAMES = "\"NodeNames\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ITEMS = "\"items\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NAME = "\"name\":\"".getBytes(StandardCharsets.US_ASCII);
    private static volatile boolean full;
    private static final byte[] REASON = "\"node(s) didn't match the pod's operating system\"".getBytes(StandardCharsets.US_ASCII);

    private NoopExtender() {
    }

    public static void main(String[] args) throws IOException {
        Set<String> fail = new HashSet<>(args.length > 0 ? Files.readAllLines(Path.of(args[0])) : java.util.List.of());
        // "full": kube-scheduler sends node objects (nodeCacheCapable: false) and takes the passing ones back.
        full = args.length > 1 && args[1].equals("full");
        ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        System.out.println(server.getLocalPort());
        System.out.flush();
        while (true) {
            Socket s = server.accept();
            s.setTcpNoDelay(true);
            Thread t = new Thread(() -> serve(s, fail), "noop-" + s.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    static void serve(Socket socket, Set<String> fail) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = socket.getOutputStream();
            Answer answer = new Answer();
            StringBuilder line = new StringBuilder();
            while (true) {
                // Request line and headers: only the path and Content-Length matter.
                String path = null;
                int length = 0;
                while (true) {
                    line.setLength(0);
                    int c;
                    while ((c = in.read()) != '\n') {
                        if (c < 0) {
                            return;
                        }
                        if (c != '\r') {
                            line.append((char) c);
                        }
                    }
                    if (line.length() == 0) {
                        break;
                    }
                    if (path == null) {
                        path = line.substring(line.indexOf(" ") + 1, line.lastIndexOf(" "));
                    } else if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                byte[] body = in.readNBytes(length);
                answer.reset();
                if (path.endsWith("/filter")) {
                    if (full) {
                        filterFull(body, fail, answer);
                    } else {
                        filter(body, fail, answer);
                    }
                } else {
                    answer.write('[');
                    answer.write(']');
                }
                // Status line, headers and body in one write: one segment for the client to wake up to.
                byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + answer.size() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                byte[] whole = new byte[head.length + answer.size()];
                System.arraycopy(head, 0, whole, 0, head.length);
                System.arraycopy(answer.buffer(), 0, whole, head.length, answer.size());
                out.write(whole);
                out.flush();
            }
        } catch (IOException | RuntimeException closed) {
            // the scheduler went away
        }
    }

    /** ExtenderFilterResult from the NodeNames array, read byte by byte (node names need no unescaping). */
    static void filter(byte[] body, Set<String> fail, Answer answer) {
        int i = indexOf(body, NAMES, 0);
        int failed = 0;
        ByteArrayOutputStream unresolvable = new ByteArrayOutputStream(256);
        answer.writeBytes("{\"NodeNames\":[".getBytes(StandardCharsets.US_ASCII));
        int passed = 0;
        if (i >= 0) {
            i = indexOf(body, new byte[] {'['}, i + NAMES.length) + 1;
            while (i > 0 && i < body.length && body[i] != ']') {
                if (body[i] != '"') {
                    i++;
                    continue;
                }
                int end = i + 1;
                while (body[end] != '"') {
                    end++;
                }
                String name = new String(body, i + 1, end - i - 1, StandardCharsets.ISO_8859_1);
                if (fail.contains(name)) {
                    unresolvable.write(failed++ > 0 ? ',' : '{');
                    unresolvable.write(body, i, end - i + 1);
                    unresolvable.write(':');
                    unresolvable.writeBytes(REASON);
                } else {
                    if (passed++ > 0) {
                        answer.write(',');
                    }
                    answer.write(body, i, end - i + 1);
                }
                i = end + 1;
            }
        }
        answer.writeBytes("],\"FailedNodes\":{},\"FailedAndUnresolvableNodes\":".getBytes(StandardCharsets.US_ASCII));
        finish(answer, unresolvable, failed);
    }

    /**
     * ExtenderFilterResult in full-nodes form: each object of Nodes.items found by matching braces (strings
     * skipped), named by its first "name" (metadata comes first in what kube-scheduler writes), and copied back
     * as it came when it passes.
     */
    static void filterFull(byte[] body, Set<String> fail, Answer answer) {
        int i = indexOf(body, ITEMS, 0);
        ByteArrayOutputStream unresolvable = new ByteArrayOutputStream(256);
        int failed = 0;
        int passed = 0;
        answer.writeBytes("{\"Nodes\":{\"metadata\":{},\"items\":[".getBytes(StandardCharsets.US_ASCII));
        if (i >= 0) {
            i = indexOf(body, new byte[] {'['}, i) + 1;
            while (i > 0 && i < body.length && body[i] != ']') {
                if (body[i] != '{') {
                    i++;
                    continue;
                }
                int start = i;
                int depth = 0;
                do {
                    byte b = body[i];
                    if (b == '"') {
                        i++;
                        while (body[i] != '"') {
                            i += body[i] == '\\' ? 2 : 1;
                        }
                    } else if (b == '{') {
                        depth++;
                    } else if (b == '}') {
                        depth--;
                    }
                    i++;
                } while (depth > 0);
                int n = indexOf(body, NAME, start) + NAME.length;
                int e = n;
                while (body[e] != '"') {
                    e++;
                }
                String name = new String(body, n, e - n, StandardCharsets.ISO_8859_1);
                if (fail.contains(name)) {
                    unresolvable.write(failed++ > 0 ? ',' : '{');
                    unresolvable.write(body, n - 1, e - n + 2);
                    unresolvable.write(':');
                    unresolvable.writeBytes(REASON);
                } else {
                    if (passed++ > 0) {
                        answer.write(',');
                    }
                    answer.write(body, start, i - start);
                }
            }
        }
        answer.writeBytes("]},\"NodeNames\":null,\"FailedNodes\":{},\"FailedAndUnresolvableNodes\":".getBytes(StandardCharsets.US_ASCII));
        finish(answer, unresolvable, failed);
    }

    /** The failed nodes' map (or {}) and the empty Error that end every filter answer. */
    private static void finish(Answer answer, ByteArrayOutputStream unresolvable, int failed) {
        if (failed == 0) {
            answer.writeBytes("{}".getBytes(StandardCharsets.US_ASCII));
        } else {
            unresolvable.write('}');
            answer.writeBytes(unresolvable.toByteArray());
        }
        answer.writeBytes(",\"Error\":\"\"}".getBytes(StandardCharsets.US_ASCII));
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A reusable answer buffer. */
    static final class Answer extends ByteArrayOutputStream {
        Answer() {
            super(1 << 20);
        }

        byte[] buffer() {
            return buf;
        }
    }
}
