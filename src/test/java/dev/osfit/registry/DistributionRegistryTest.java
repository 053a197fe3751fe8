package dev.osfit.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.match.Reasons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
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

    static final JsonMapper JSON = JsonMapper.builder().build();
    static RealRegistry registry;
    static String host;

    @DynamicPropertySource
    static void startRegistry(DynamicPropertyRegistry properties) throws Exception {
        registry = RealRegistry.start();
        host = registry.host;
        push();
        properties.add("osfit.registry.enabled", () -> "true");
        properties.add("osfit.registry.insecure", () -> host);
        properties.add("osfit.registry.allow", () -> "127.0.0.1");
        properties.add("osfit.registry.request-budget", () -> "3s");
    }

    @AfterAll
    static void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
    }

    /** Pushes osfit/multi:1 (an index: windows 10.0.17763 amd64, linux arm64/v8) and osfit/single:2022. */
    static void push() throws Exception {
        String windows = registry.pushImage("osfit/multi", null, "windows", "amd64", "10.0.17763.6659");
        String linux = registry.pushConfig("osfit/multi", null,
                "{\"architecture\":\"arm64\",\"variant\":\"v8\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        registry.pushIndex("osfit/multi", "1", new String[] {windows, linux}, new String[] {
                "{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.17763.6659\"}",
                "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}"});
        registry.pushImage("osfit/single", "2022", "windows", "amd64", "10.0.20348.2966");
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
