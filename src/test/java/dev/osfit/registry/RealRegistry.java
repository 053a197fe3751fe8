package dev.osfit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1 with a filesystem root, and
 * the pushes tests need, over the registry's own HTTP API. {@code .ci/run} installs the package.
 */
final class RealRegistry implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String host;
    private final Path dir;
    private Process process;

    private RealRegistry(String host, Path dir) {
        this.host = host;
        this.dir = dir;
    }

    /** A registry on a free loopback port. */
    static RealRegistry start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RealRegistry r = new RealRegistry("127.0.0.1:" + port, Files.createTempDirectory("osfit-registry"));
        r.run();
        return r;
    }

    /** Starts (again, on the same port and data) the registry process. */
    void run() throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("this test needs Debian's docker-registry package: apt-get install docker-registry "
                    + "(.ci/run installs it)");
        }
        Path config = Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: %s
                """.formatted(dir.resolve("data"), host));
        process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile())).start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
            }
            Thread.sleep(50);
        }
    }

    /** Stops the process (the data stays, for {@link #run()}). */
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Pushes a single-platform image under the tag; returns "digest size" of its manifest. */
    String pushImage(String repo, String tag, String os, String arch, String osVersion) throws Exception {
        return pushConfig(repo, tag, "{\"architecture\":\"" + arch + "\",\"os\":\"" + os + "\""
                + (osVersion == null ? "" : ",\"os.version\":\"" + osVersion + "\"") + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
    }

    /** Pushes an image with this config under the tag (or by digest when tag is null); returns "digest size" of its manifest. */
    String pushConfig(String repo, String tag, String configJson) throws Exception {
        String layer = blob(repo, "layer".getBytes(StandardCharsets.UTF_8));
        return manifest(repo, blob(repo, configJson.getBytes(StandardCharsets.UTF_8)), layer, tag);
    }

    /** Pushes an OCI index under the tag listing the given "digest size" manifests with their platforms. */
    String pushIndex(String repo, String tag, String[] manifests, String[] platforms) throws Exception {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < manifests.length; i++) {
            if (i > 0) {
                entries.append(',');
            }
            entries.append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"").append(manifests[i].split(" ")[0])
                    .append("\",\"size\":").append(manifests[i].split(" ")[1]).append(",\"platform\":").append(platforms[i]).append('}');
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" + entries + "]}")
                .getBytes(StandardCharsets.UTF_8);
        put("/v2/" + repo + "/manifests/" + tag, "application/vnd.oci.image.index.v1+json", index);
        return digest(index);
    }

    /** Uploads a blob (monolithic upload); returns its digest. */
    String blob(String repo, byte[] content) throws Exception {
        String digest = digest(content);
        HttpResponse<String> start = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(start.statusCode()).isEqualTo(202);
        String location = start.headers().firstValue("Location").orElseThrow();
        URI upload = URI.create(location.startsWith("http") ? location : "http://" + host + location);
        String sep = upload.getQuery() == null ? "?" : "&";
        HttpResponse<String> done = HTTP.send(HttpRequest.newBuilder(URI.create(upload + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        return digest;
    }

    /** Puts an OCI image manifest (by tag, or by digest when tag is null); returns "digest size". */
    String manifest(String repo, String config, String layer, String tag) throws Exception {
        HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo + "/blobs/" + config))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        long size = head.headers().firstValueAsLong("Content-Length").orElseThrow();
        byte[] body = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":5}]}"""
                .formatted(config, size, layer).getBytes(StandardCharsets.UTF_8);
        String digest = digest(body);
        put("/v2/" + repo + "/manifests/" + (tag != null ? tag : digest), "application/vnd.oci.image.manifest.v1+json", body);
        return digest + " " + body.length;
    }

    void put(String path, String type, byte[] body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + path)).header("Content-Type", type)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(201);
    }

    static String digest(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    /** The registry's log so far (requests at warn level are not logged; errors are). */
    String log() throws IOException {
        return Files.readString(dir.resolve("registry.log"));
    }
}
