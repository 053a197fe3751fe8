package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** After a few requests, the series operators watch are exposed in Prometheus format. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class MetricsTest {

    @Autowired
    WebTestClient client;

    @Test
    void latencyPerVerbAndFilterOutcomesByReasonKind() {
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(Fixtures.bytes("filter-args-full-nodes.json"))
                .exchange().expectStatus().isOk();
        client.post().uri("/prioritize").contentType(MediaType.APPLICATION_JSON).bodyValue(Fixtures.bytes("prioritize-args-full-nodes.json"))
                .exchange().expectStatus().isOk();
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue("{").exchange().expectStatus().isBadRequest();

        String prometheus = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(prometheus)
                .contains("osfit_extender_requests_seconds_bucket{status=\"200\",verb=\"filter\"")
                .contains("osfit_extender_requests_seconds_count{status=\"200\",verb=\"prioritize\"}")
                .contains("osfit_extender_requests_seconds_count{status=\"400\",verb=\"filter\"}")
                .containsPattern("osfit_filter_nodes_total\\{outcome=\"pass\",reason=\"none\"} [1-9]")
                .containsPattern("osfit_filter_nodes_total\\{outcome=\"unresolvable\",reason=\"build_mismatch\"} [1-9]");
    }

    @Test
    void reasonKindsAreABoundedSetOfLowercaseTags() {
        assertThat(java.util.Arrays.stream(dev.osfit.match.Verdict.Kind.values()).map(dev.osfit.match.Verdict.Kind::tag))
                .containsExactly("none", "build_mismatch", "platform_mismatch", "windows_unsupported", "host_process", "not_indexed",
                        "conflict", "unknown_denied", "invalid_annotation");
    }
}
