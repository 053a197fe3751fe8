package dev.osfit.cluster;

import static dev.osfit.cluster.ApiServerStub.idle;
import static dev.osfit.cluster.ApiServerStub.linux;
import static dev.osfit.cluster.ApiServerStub.list;
import static dev.osfit.cluster.ApiServerStub.windows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.match.Reasons;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * osfit in cluster mode against WireMock as the API server: not ready (and saying so) until the first
 * node list is indexed, then answering names-only requests from the index.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class ClusterModeTest {

    static final String IIS_2019 = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final ApiServerStub API = new ApiServerStub();

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("osfit-cluster-test");
        // The first list is slow, so the test sees osfit before its index has synced.
        API.lists(list("10",
                linux("linux-amd64-1", "amd64", "1"),
                windows("win2019-1", "10.0.17763", 6659, "2"),
                windows("win2022-1", "10.0.20348", 2966, "3")).withFixedDelay(3000));
        API.watches(idle());
        registry.add("osfit.nodes.source", () -> "cluster");
        registry.add("osfit.nodes.kubeconfig", () -> API.kubeconfig(dir).toString());
    }

    @AfterAll
    static void stopApi() {
        API.close();
    }

    @Autowired
    WebTestClient client;

    @Test
    void notReadyUntilTheFirstListThenAnswersNamesFromTheIndex() {
        client.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
        client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        JsonNode early = filter(List.of("win2019-1"));
        assertThat(early.get("Error").asString()).isEqualTo(dev.osfit.extender.TestAccess.indexNotReadyMessage());
        assertThat(early.get("NodeNames").isNull()).isTrue();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
        client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();

        JsonNode out = filter(List.of("win2019-1", "win2022-1", "linux-amd64-1", "ghost-1"));
        assertThat(out.get("Error").asString()).isEmpty();
        assertThat(out.get("NodeNames").values()).extracting(JsonNode::asString).containsExactly("win2019-1");
        assertThat(out.get("FailedAndUnresolvableNodes").get("win2022-1").asString())
                .isEqualTo(String.format(Reasons.BUILD_MISMATCH, "10.0.20348", IIS_2019, "10.0.17763"));
        assertThat(out.get("FailedAndUnresolvableNodes").get("linux-amd64-1").asString())
                .isEqualTo(String.format(Reasons.PLATFORM_MISMATCH, "linux", IIS_2019, "windows"));
        assertThat(out.get("FailedNodes").get("ghost-1").asString()).isEqualTo(Reasons.NODE_NOT_INDEXED);

        // Full-node requests keep working in cluster mode.
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(fixture("filter-args-full-nodes.json"))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.Nodes.items.length()").isEqualTo(2);

        // Explain a pending pod by name, against every node in the index.
        API.pod("default", "iis-2019", JSON.readTree(fixture("filter-args-nodenames.json")).get("Pod").toString());
        JsonNode explained = JSON.readTree(client.get().uri("/explain/default/iis-2019").exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody());
        assertThat(explained.get("nodes").values()).extracting(n -> n.get("name").asString() + " " + n.get("verdict").asString())
                .containsExactly("linux-amd64-1 unresolvable", "win2019-1 pass", "win2022-1 unresolvable");
        client.get().uri("/explain/default/nobody").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.Error").isEqualTo("pod default/nobody not found");

        // Health says each component's status to anyone; its details (disk path, counts) are not shown by default.
        client.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.components.nodeIndex.status").isEqualTo("UP")
                .jsonPath("$.components.nodeIndex.details").doesNotExist()
                .jsonPath("$.components.diskSpace.status").isEqualTo("UP")
                .jsonPath("$.components.diskSpace.details").doesNotExist();
        client.get().uri("/actuator/metrics/osfit.nodes.indexed").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.measurements[0].value").isEqualTo(3.0);
        client.get().uri("/actuator/metrics/osfit.nodes.snapshot.age").exchange().expectStatus().isOk();
        assertThat(client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody())
                .contains("osfit_nodes_indexed 3.0", "osfit_nodes_synced 1.0", "osfit_nodes_snapshot_age_seconds ",
                        "osfit_nodes_listwatch_failures_total ", "osfit_pods_listwatch_failures_total ");
    }

    private JsonNode filter(List<String> names) {
        ObjectNode body = (ObjectNode) JSON.readTree(fixture("filter-args-nodenames.json"));
        ArrayNode array = body.putArray("NodeNames");
        names.forEach(array::add);
        byte[] answer = client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(JSON.writeValueAsBytes(body))
                .exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
        return JSON.readTree(answer);
    }

    private static byte[] fixture(String name) {
        try (InputStream in = ClusterModeTest.class.getResourceAsStream("/kube-scheduler/v1.32.5/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
