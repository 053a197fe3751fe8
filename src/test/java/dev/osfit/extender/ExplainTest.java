package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.match.Reasons;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** The explain endpoint on a recorded /filter body: the same verdicts as /filter, with the why. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class ExplainTest {

    @Autowired
    WebTestClient client;

    @Test
    void everyNodeGetsTheFilterVerdictItsReasonAndTheImagePlatformThatDecided() {
        byte[] body = Fixtures.bytes("filter-args-full-nodes.json");
        JsonNode filter = Fixtures.json(client.post().uri(Routes.FILTER).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody());
        JsonNode explain = Fixtures.json(client.post().uri(Routes.EXPLAIN).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(byte[].class).returnResult().getResponseBody());

        assertThat(explain.get("pod").asString()).isNotEmpty();
        assertThat(explain.get("images")).isNotEmpty();
        int passing = 0;
        for (JsonNode node : explain.get("nodes")) {
            String name = node.get("name").asString();
            switch (node.get("verdict").asString()) {
                case "pass" -> {
                    passing++;
                    assertThat(node.get("reason").isNull()).isTrue();
                    assertThat(node.get("decidedBy").get(0).asString()).contains(" scores ");
                }
                case "unresolvable" -> {
                    assertThat(node.get("reason").asString()).isEqualTo(filter.get("FailedAndUnresolvableNodes").get(name).asString());
                    assertThat(node.get("decidedBy").get(0).asString()).contains(": none of ");
                }
                default -> assertThat(node.get("reason").asString()).isEqualTo(filter.get("FailedNodes").get(name).asString());
            }
        }
        assertThat(passing).isEqualTo(filter.get("Nodes").get("items").size());
        assertThat(explain.get("summary").get("pass").asInt()).isEqualTo(passing);
    }

    @Test
    void acceptTextPlainGivesATable() {
        String table = client.post().uri(Routes.EXPLAIN).accept(MediaType.TEXT_PLAIN).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Fixtures.bytes("filter-args-full-nodes.json"))
                .exchange().expectStatus().isOk().expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(table).contains("NODE", "PLATFORM", "VERDICT", "SCORE", "WHY")
                .contains(String.format(Reasons.BUILD_MISMATCH, "10.0.20348", "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019", "10.0.17763"));
    }

    @Test
    void byNameNeedsClusterMode() {
        client.get().uri(Routes.EXPLAIN + "/default/iis").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.Error").value(e -> assertThat((String) e).contains("cluster mode"));
    }

    @Test
    void aBrokenBodyIsABadRequest() {
        client.post().uri(Routes.EXPLAIN).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"Pod\":")
                .exchange().expectStatus().isBadRequest();
    }
}
