package dev.osfit.controlplane;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Learning from failed starts, with the real API server and osfit's base RBAC: a Failed event as the
 * kubelet writes it for a Windows image on the wrong build is counted per image and node, shown by
 * /explain for that pod, and drops the cached platforms of the image (the registry is asked again);
 * a Failed event for another cause is not counted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "osfit.nodes.source=cluster", "osfit.registry.enabled=true", "osfit.registry.allow=127.0.0.1", "osfit.registry.request-budget=3s"})
@AutoConfigureWebTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class StartFailuresRealApiServerTest {

    static final WireMockServer REGISTRY = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    static final String NS = "failed-starts";
    static final String MISMATCH = "Error: failed to create containerd task: failed to create shim task: hcs::CreateComputeSystem app: "
            + "The container operating system does not match the host operating system.: unknown";

    static String image() {
        return "127.0.0.1:" + REGISTRY.port() + "/team/app:1";
    }

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        REGISTRY.start();
        REGISTRY.stubFor(get(urlPathEqualTo("/v2/team/app/manifests/1")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/vnd.oci.image.index.v1+json").withBody("""
                        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1,
                          "platform":{"architecture":"amd64","os":"windows","os.version":"10.0.20348.2966"}}]}""".formatted("7".repeat(64)))));
        ControlPlane plane = ControlPlane.shared();
        plane.kube().node("fs-win2022", "windows", "amd64", "10.0.20348.2966");
        registry.add("osfit.registry.insecure", () -> "127.0.0.1:" + REGISTRY.port());
        registry.add("osfit.nodes.kubeconfig", () -> plane.osfitKubeconfig().toString());
    }

    @AfterAll
    static void stop() {
        REGISTRY.stop();
    }

    @Autowired
    WebTestClient client;

    static Map<String, Object> event(String name, String pod, String message, int count) {
        String now = Instant.now().toString();
        return Map.of("metadata", Map.of("name", name), "type", "Warning", "reason", "Failed", "message", message, "count", count,
                "involvedObject", Map.of("kind", "Pod", "apiVersion", "v1", "namespace", NS, "name", pod, "fieldPath", "spec.containers{c0}"),
                "source", Map.of("component", "kubelet", "host", "win-node-7"), "firstTimestamp", now, "lastTimestamp", now);
    }

    @Test
    void aPlatformMismatchIsCountedExplainedAndTheImageReadAgain() {
        Kube kube = ControlPlane.shared().kube();
        kube.namespace(NS);
        assertThat(kube.createPod(NS, Kube.pod("app-1", Map.of(), image())).status()).isIn(201, 409);
        // The unscheduled pod is prefetched: the registry is asked once and the answer is cached.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> REGISTRY.verify(1, getRequestedFor(urlPathEqualTo("/v2/team/app/manifests/1"))));
        assertThat(passed()).containsExactly("fs-win2022");
        REGISTRY.verify(1, getRequestedFor(urlPathEqualTo("/v2/team/app/manifests/1")));

        String events = "/api/v1/namespaces/" + NS + "/events";
        assertThat(kube.create(events, event("app-1.pull", "app-1", "Error: ImagePullBackOff", 1)).status()).isEqualTo(201);
        assertThat(kube.create(events, event("app-1.start", "app-1", MISMATCH, 1)).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(prometheus())
                .contains("osfit_platform_start_failures_total{image=\"" + image() + "\",node=\"win-node-7\"} 1.0"));
        // The kubelet counts a repeat on the same event.
        kube.mergePatch(events + "/app-1.start", Map.of("count", 3));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(prometheus())
                .contains("osfit_platform_start_failures_total{image=\"" + image() + "\",node=\"win-node-7\"} 3.0"));
        assertThat(prometheus()).doesNotContain("ImagePullBackOff");

        String explained = client.get().uri("/explain/" + NS + "/app-1?format=text").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(explained).contains("failed to start on win-node-7: " + image() + ": " + MISMATCH);
        // The cached platforms were dropped: the next decision reads the registry again.
        assertThat(passed()).containsExactly("fs-win2022");
        REGISTRY.verify(2, getRequestedFor(urlPathEqualTo("/v2/team/app/manifests/1")));
    }

    private String prometheus() {
        return client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    private List<String> passed() {
        String body = "{\"Pod\":{\"metadata\":{\"name\":\"app-1\",\"namespace\":\"" + NS + "\"},\"spec\":{\"containers\":[{\"name\":\"c0\","
                + "\"image\":\"" + image() + "\"}]}},\"NodeNames\":[\"fs-win2022\"]}";
        byte[] out = client.post().uri("/filter").header("Content-Type", "application/json").bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
        return Kube.JSON.readTree(out).path("NodeNames").values().stream().map(tools.jackson.databind.JsonNode::asString).toList();
    }
}
