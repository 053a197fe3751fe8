package dev.osfit.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.osfit.cluster.ApiServerStub.idle;
import static dev.osfit.cluster.ApiServerStub.list;
import static dev.osfit.cluster.ApiServerStub.windows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.registry.RegistryTestAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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

/** With osfit.admission.gate.enabled, a pod whose registry is slower than the admission budget is gated, not left unchanged. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class GatedAdmissionTest {

    static final ApiServerStub API = new ApiServerStub();
    static final RegistryTestAccess REGISTRY = new RegistryTestAccess();
    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("osfit-gated-admission");
        API.lists(list("10", windows("win2019-1", "10.0.17763", 6659, "2")));
        API.watches(idle());
        API.server.stubFor(get(urlPathEqualTo("/api/v1/pods")).withQueryParam("watch", equalTo("false"))
                .willReturn(ApiServerStub.json("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}")));
        API.server.stubFor(get(urlPathEqualTo("/api/v1/pods")).withQueryParam("watch", equalTo("true"))
                .willReturn(ApiServerStub.json("").withFixedDelay(1000)));
        REGISTRY.serveIndex("/v2/win/slow/manifests/ltsc2019", 3000);
        registry.add("osfit.nodes.source", () -> "cluster");
        registry.add("osfit.nodes.kubeconfig", () -> API.kubeconfig(dir).toString());
        registry.add("osfit.registry.enabled", () -> "true");
        registry.add("osfit.registry.insecure", REGISTRY::host);
        registry.add("osfit.registry.allow", () -> "127.0.0.1");
        registry.add("osfit.admission.gate.enabled", () -> "true");
    }

    @AfterAll
    static void stop() {
        REGISTRY.close();
        API.close();
    }

    @Autowired
    WebTestClient client;

    @Test
    void aSlowRegistryGatesThePod() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
        String review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-2","operation":"CREATE",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"default",
                 "object":{"metadata":{"name":"slow","namespace":"default"},"spec":{"containers":[{"name":"c","image":"%s"}]}}}}"""
                .formatted(REGISTRY.host() + "/win/slow:ltsc2019");
        JsonNode response = JSON.readTree(client.post().uri("/admission/pods").contentType(MediaType.APPLICATION_JSON).bodyValue(review)
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody()).get("response");
        assertThat(response.get("allowed").asBoolean()).isTrue();
        String patch = new String(Base64.getDecoder().decode(response.get("patch").asString()));
        assertThat(patch).contains("{\"op\":\"add\",\"path\":\"/spec/schedulingGates\",\"value\":[{\"name\":\"osfit.dev/resolving\"}]}",
                "gated: image platforms being resolved (at most PT30S)");
    }
}
