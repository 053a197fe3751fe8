package dev.osfit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.match.Reasons;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * End to end against a real registry: Debian's docker-registry (the CNCF distribution registry),
 * started here on 127.0.0.1 with a filesystem root; images pushed over the registry's HTTP API (an
 * OCI index of a Windows 10.0.17763 and a Linux arm64 image, and a single Windows 10.0.20348
 * manifest); then resolved by osfit through /filter. {@code .ci/run} installs the package when missing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class DistributionRegistryTest {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static Process registry;
    static String host;

    @DynamicPropertySource
    static void startRegistry(DynamicPropertyRegistry properties) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("this test needs Debian's docker-registry package: apt-get install docker-registry "
                    + "(.ci/run installs it)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        host = "127.0.0.1:" + port;
        Path dir = Files.createTempDirectory("osfit-registry");
        Path config = Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: %s
                """.formatted(dir.resolve("data"), host));
        registry = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !registry.isAlive()) {
                throw new IllegalStateException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
            }
            Thread.sleep(50);
        }
        push();
        properties.add("osfit.registry.enabled", () -> "true");
        properties.add("osfit.registry.insecure", () -> host);
        properties.add("osfit.registry.allow", () -> "127.0.0.1");
        properties.add("osfit.registry.request-budget", () -> "3s");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.destroy();
        }
    }

    /** Pushes osfit/multi:1 (an index: windows 10.0.17763 amd64, linux arm64/v8) and osfit/single:2022. */
    static void push() throws Exception {
        String layer = blob("osfit/multi", "layer".getBytes(StandardCharsets.UTF_8));
        blob("osfit/single", "layer".getBytes(StandardCharsets.UTF_8));
        String windows = manifest("osfit/multi", blob("osfit/multi",
                "{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.17763.6659\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                        .getBytes(StandardCharsets.UTF_8)), layer, null);
        String linux = manifest("osfit/multi", blob("osfit/multi",
                "{\"architecture\":\"arm64\",\"variant\":\"v8\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                        .getBytes(StandardCharsets.UTF_8)), layer, null);
        String index = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,
                  "platform":{"architecture":"amd64","os":"windows","os.version":"10.0.17763.6659"}},
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,
                  "platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}"""
                .formatted(windows.split(" ")[0], Integer.parseInt(windows.split(" ")[1]), linux.split(" ")[0], Integer.parseInt(linux.split(" ")[1]));
        put("/v2/osfit/multi/manifests/1", "application/vnd.oci.image.index.v1+json", index.getBytes(StandardCharsets.UTF_8));
        manifest("osfit/single", blob("osfit/single",
                "{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.20348.2966\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                        .getBytes(StandardCharsets.UTF_8)), blob("osfit/single", "layer".getBytes(StandardCharsets.UTF_8)), "2022");
    }

    /** Uploads a blob (monolithic upload); returns its digest. */
    static String blob(String repo, byte[] content) throws Exception {
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
    static String manifest(String repo, String config, String layer, String tag) throws Exception {
        byte[] body = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":5}]}"""
                .formatted(config, 0, layer).getBytes(StandardCharsets.UTF_8);
        // The config's size must be right: look it up from the registry.
        HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo + "/blobs/" + config))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        long size = head.headers().firstValueAsLong("Content-Length").orElseThrow();
        body = new String(body, StandardCharsets.UTF_8).replace("\"size\":0", "\"size\":" + size).getBytes(StandardCharsets.UTF_8);
        String digest = digest(body);
        put("/v2/" + repo + "/manifests/" + (tag != null ? tag : digest), "application/vnd.oci.image.manifest.v1+json", body);
        return digest + " " + body.length;
    }

    static void put(String path, String type, byte[] body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + path)).header("Content-Type", type)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(201);
    }

    static String digest(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    @Autowired
    WebTestClient client;

    @Test
    void anIndexFromARealRegistryDecidesTheFilter() throws IOException {
        String image = host + "/osfit/multi:1";
        JsonNode out = filter(image);
        assertThat(passed(out)).containsExactly("linux-arm64-1", "win2019-1", "win2019-2");
        assertThat(out.get("FailedAndUnresolvableNodes").get("linux-amd64-1").asString())
                .isEqualTo(String.format(Reasons.PLATFORM_MISMATCH, "linux/amd64", image, "linux/arm64/v8"));
        assertThat(out.get("FailedAndUnresolvableNodes").get("win2022-1").asString())
                .isEqualTo(String.format(Reasons.BUILD_MISMATCH, "10.0.20348", image, "10.0.17763"));
    }

    @Test
    void aSingleManifestFromARealRegistryIsReadThroughItsConfig() throws IOException {
        // A Windows Server 2025 node runs the previous LTSC's (2022) images.
        assertThat(passed(filter(host + "/osfit/single:2022"))).containsExactly("win2022-1", "win2022-2", "win2025-1");
    }

    private static java.util.List<String> passed(JsonNode out) {
        return out.get("Nodes").get("items").values().stream().map(n -> n.get("metadata").get("name").asString()).toList();
    }

    private JsonNode filter(String image) throws IOException {
        // The examples' eight nodes, and a pod that says nothing but its image.
        JsonNode example = JSON.readTree(Files.readAllBytes(Path.of("examples/ltsc2019-iis.json")));
        String pod = "{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]}}";
        String body = "{\"Pod\":" + pod + ",\"Nodes\":" + JSON.writeValueAsString(example.get("Nodes")) + ",\"NodeNames\":null}";
        return JSON.readTree(client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody());
    }
}
