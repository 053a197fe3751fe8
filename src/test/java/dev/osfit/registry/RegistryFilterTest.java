package dev.osfit.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.match.Reasons;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
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
 * /filter with a registry slower than the budget: the first answer comes in time from the fallback
 * (the pod's own selector), the fetch goes on, and the next request gets the registry's answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class RegistryFilterTest {

    static final RegistryStub REGISTRY = new RegistryStub();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String WS2022_ONLY = """
            {"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
             {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:%s","size":1,
              "platform":{"architecture":"amd64","os":"windows","os.version":"10.0.20348.2966"}}]}""".formatted("9".repeat(64));

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        REGISTRY.server.stubFor(get(urlEqualTo("/v2/team/app/manifests/2022")).willReturn(RegistryStub.index(WS2022_ONLY).withFixedDelay(1500)));
        registry.add("osfit.registry.enabled", () -> "true");
        registry.add("osfit.registry.insecure", REGISTRY::host);
        registry.add("osfit.registry.allow", () -> "127.0.0.1");
        registry.add("osfit.registry.request-budget", () -> "300ms");
    }

    @AfterAll
    static void stop() {
        REGISTRY.close();
    }

    @Autowired
    WebTestClient client;

    @Test
    void overBudgetTheFallbackAnswersThenTheRegistryDoes() throws IOException {
        String image = REGISTRY.host() + "/team/app:2022";
        String body;
        try (InputStream in = getClass().getResourceAsStream("/kube-scheduler/v1.32.5/filter-args-full-nodes.json")) {
            body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019", image);
        }
        long start = System.nanoTime();
        JsonNode first = filter(body);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("answered within the budget, not after the registry's 1.5 s").isLessThan(1200);
        assertThat(first.get("Nodes").get("items").size()).as("the pod's own selector (windows) lets every Windows node pass").isEqualTo(5);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode later = filter(body);
            assertThat(later.get("Nodes").get("items").values()).extracting(n -> n.get("metadata").get("name").asString())
                    .containsExactly("win2022-1", "win2022-2", "win2025-1");
            assertThat(later.get("FailedAndUnresolvableNodes").get("win2019-1").asString())
                    .isEqualTo(String.format(Reasons.BUILD_MISMATCH, "10.0.17763", image, "10.0.20348"));
        });
        client.get().uri("/actuator/metrics/cache.gets?tag=cache:image-platforms").exchange().expectStatus().isOk();
        client.get().uri("/actuator/metrics/osfit.registry.errors").exchange().expectStatus().isOk();
        // The series README's Operate section names.
        String prometheus = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(prometheus)
                .containsPattern("cache_gets_total\\{cache=\"image-platforms\",[^}]*result=\"hit\"} [1-9]")
                .containsPattern("cache_gets_total\\{cache=\"image-platforms\",[^}]*result=\"miss\"} [1-9]")
                .contains("cache_load_duration_seconds{cache=\"image-platforms\"}", "cache_load_total{cache=\"image-platforms\",result=\"success\"} 1.0")
                .contains("osfit_registry_errors_total{kind=\"timeout\"}");
    }

    /** Why the registry could not say is in /explain: the kind, the host tried and its answer. */
    @Test
    void explainNamesTheRegistryFailureAndTheHostTried() throws IOException {
        String image = REGISTRY.host() + "/team/missing:1";
        String body;
        try (InputStream in = getClass().getResourceAsStream("/kube-scheduler/v1.32.5/filter-args-full-nodes.json")) {
            body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019", image);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.post().uri("/explain?format=text")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody())
                .contains("registry lookup failed for " + image + ": not_found: " + REGISTRY.host() + ": no such image in the registry (404)"));
        // The registry error metric and the cache's failed loads count the same lookups.
        String prometheus = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        double errors = sum(prometheus, "osfit_registry_errors_total{");
        assertThat(errors).isGreaterThanOrEqualTo(1);
        assertThat(sum(prometheus, "cache_load_total{cache=\"image-platforms\",result=\"failure\"")).isEqualTo(errors);
    }

    private static double sum(String prometheus, String prefix) {
        return prometheus.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private JsonNode filter(String body) {
        return JSON.readTree(client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody());
    }
}
