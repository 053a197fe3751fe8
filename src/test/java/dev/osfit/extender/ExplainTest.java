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

    @Test
    void theTextTableShowsControlCharactersEscapedNeverRaw() {
        String body = "{\"Pod\":{\"metadata\":{\"name\":\"evil\\u001b[2J\\u0007\",\"namespace\":\"default\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"app\\u001b]0;x\\u0007:1\"}]}},\"NodeNames\":[\"node\\u009b1\"]}";
        String table = client.post().uri(Routes.EXPLAIN + "?format=text").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(table).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u009b")
                .contains("pod default/evil\\u001b[2J\\u0007").contains("node\\u009b1");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "GET /explain/{0}/{1} is 400")
    @org.junit.jupiter.params.provider.CsvSource({"default, ..", "default, a%2Fb", "..%2F.., pod", "Default, pod", "default, -pod",
            "default, pod%0A", "a-namespace-name-that-is-far-too-long-for-a-dns-label-of-63-chars, p"})
    void aPodNameOrNamespaceTheApiServerWouldRefuseIs400(String namespace, String name) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + Routes.EXPLAIN + "/" + namespace + "/" + name)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(Fixtures.json(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)).get("Error").asString()).contains("DNS-1123");
    }

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;
}
