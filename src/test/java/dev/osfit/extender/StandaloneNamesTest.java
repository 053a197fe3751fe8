package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Standalone osfit asked about named nodes (kube-scheduler's nodeCacheCapable: true) cannot check them:
 * it passes them all, as before, but says so: a WARN at most once a minute, the metric outcome
 * {@code unchecked}, and a note in explain.
 */
// A context of its own (the property only keys the cache): the WARN's once-a-minute limit and the counter start fresh.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.application.name=osfit-standalone-names")
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class StandaloneNamesTest {

    @Autowired
    WebTestClient client;

    @Test
    void namedNodesPassUncheckedAndOsfitSaysSo(CapturedOutput output) throws IOException {
        byte[] body = Files.readAllBytes(Path.of("examples/ltsc2022-servercore-names.json"));
        for (int i = 0; i < 3; i++) {
            JsonNode filter = Fixtures.json(client.post().uri(Routes.FILTER).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody());
            assertThat(filter.get("NodeNames")).hasSize(8);
        }
        assertThat(output.toString().split("named nodes passed unchecked", -1)).as("one WARN for three requests").hasSize(2);
        assertThat(output).contains("WARN").contains(Explanation.NO_NODE_INDEX);

        String prometheus = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(prometheus).containsPattern("osfit_filter_nodes_total\\{[^}]*outcome=\"unchecked\",reason=\"no_node_index\"[^}]*} 24\\.0");

        JsonNode explain = Fixtures.json(client.post().uri(Routes.EXPLAIN).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody());
        assertThat(explain.get("note").asString()).isEqualTo(Explanation.NO_NODE_INDEX);
        assertThat(explain.get("nodes").get(0).get("platform").asString()).isEqualTo("unknown (no node index)");
        String table = client.post().uri(Routes.EXPLAIN + "?format=text").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(table).contains("note: " + Explanation.NO_NODE_INDEX);
    }
}
