package dev.osfit.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real service for a driver: the exec jar as a process of its own, on a free loopback port, its log in a file. */
final class OsfitProcess implements AutoCloseable {

    final Process process;
    final int port;

    private OsfitProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code jar} with these JVM heap options (space-separated, {@code "-Xms1g -Xmx2g"}) and these osfit arguments. */
    static OsfitProcess start(Path jar, String heap, Path log, String... args) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(heap.split(" ")));
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new OsfitProcess(p, port);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
