package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Standalone preempt (issue 19): kube-scheduler's preempt request names nodes without their objects, so
 * osfit answers from the nodes it saw in full-node requests and drops those it never saw.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "osfit.nodes.source=request")
@AutoConfigureWebTestClient
class PreemptTest {

    @Autowired
    WebTestClient client;

    @Autowired
    MeterRegistry meters;

    /** The ltsc2019 pod of the recorded full-node filter request. */
    static String iisPod() {
        return Fixtures.json(Fixtures.bytes("filter-args-full-nodes.json")).get("Pod").toString();
    }

    static String preempt(String pod, String... nodesAndVictims) {
        StringBuilder b = new StringBuilder("{\"Pod\":").append(pod).append(",\"NodeNameToVictims\":null,\"NodeNameToMetaVictims\":{");
        for (int i = 0; i < nodesAndVictims.length; i += 2) {
            b.append(i == 0 ? "" : ",").append('"').append(nodesAndVictims[i]).append("\":{\"Pods\":[");
            int victims = Integer.parseInt(nodesAndVictims[i + 1]);
            for (int v = 0; v < victims; v++) {
                b.append(v == 0 ? "" : ",").append("{\"UID\":\"").append(nodesAndVictims[i]).append("-victim-").append(v).append("\"}");
            }
            b.append("],\"NumPDBViolations\":0}");
        }
        return b.append("}}").toString();
    }

    JsonNode post(String path, String body) {
        return Fixtures.json(client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body.getBytes(StandardCharsets.UTF_8))
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody());
    }

    double unknownCount() {
        var counter = meters.find("osfit.preempt.candidates").tag("outcome", "unknown").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void candidatesOsfitHasNeverSeenAreDroppedSoNothingIsEvictedThere() {
        double before = unknownCount();
        JsonNode answer = post("/preempt", preempt(iisPod(), "never-seen-linux", "1", "never-seen-win", "2"));
        assertThat(answer.get("NodeNameToMetaVictims").propertyNames()).isEmpty();
        assertThat(unknownCount() - before).isEqualTo(2);
    }

    @Test
    void nodesSeenInAFullNodeFilterRequestAreJudgedByTheirPlatform() {
        // kube-scheduler's filter call with full nodes: win2019-1/2, win2022-1/2, win2025-1.
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(Fixtures.bytes("filter-args-full-nodes.json"))
                .exchange().expectStatus().isOk();
        // The right node needs more victims than the wrong ones: only osfit's answer keeps kube-scheduler off them.
        JsonNode answer = post("/preempt", preempt(iisPod(), "win2019-1", "2", "win2022-1", "1", "win2025-1", "1", "ghost-1", "1"));
        JsonNode kept = answer.get("NodeNameToMetaVictims");
        assertThat(kept.propertyNames()).containsExactly("win2019-1");
        assertThat(kept.get("win2019-1").get("Pods").size()).isEqualTo(2);
    }
}
