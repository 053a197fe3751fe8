package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.match.Reasons;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Every request recorded from a real kube-scheduler, sent to the running osfit; every answer checked
 * against what kube-scheduler accepts: result names a subset of the input, each input node in exactly
 * one of result, FailedNodes and FailedAndUnresolvableNodes, passing nodes returned byte for byte,
 * scores in 0..10, preemption candidates with at least one of their own victims.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class ContractTest {

    private static final String IIS_2019 = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019";

    @Autowired
    WebTestClient client;

    static List<Fixtures.Recorded> recorded() {
        List<Fixtures.Recorded> all = Fixtures.recorded();
        assertThat(all).hasSizeGreaterThanOrEqualTo(24);
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recorded")
    void everyRecordedRequestGetsAnAnswerKubeSchedulerAccepts(Fixtures.Recorded r) {
        byte[] request = Fixtures.bytes(r.file());
        byte[] answer = post(r.path(), request);
        JsonNode in = Fixtures.json(request);
        JsonNode out = Fixtures.json(answer);
        switch (r.path()) {
            case "/filter" -> checkFilter(request, in, answer, out);
            case "/prioritize" -> checkPrioritize(in, out);
            default -> checkPreempt(in, out);
        }
        if (r.responseFixture() != null && !r.responseFixture().contains("lowercase")) {
            // The same top-level keys as the answers kube-scheduler accepted when recorded.
            JsonNode accepted = Fixtures.json(Fixtures.bytes(r.responseFixture()));
            if (accepted.isObject()) {
                assertThat(out.propertyNames()).containsExactlyInAnyOrderElementsOf(accepted.propertyNames());
            } else {
                assertThat(out.isArray()).isEqualTo(accepted.isArray());
            }
        }
    }

    private static void checkFilter(byte[] request, JsonNode in, byte[] answer, JsonNode out) {
        boolean namesMode = !in.get("NodeNames").isNull();
        List<String> input = namesMode ? Fixtures.names(in.get("NodeNames").values().iterator())
                : Fixtures.names(in.get("Nodes").get("items").values().iterator());
        assertThat(out.get("Error").asString()).isEmpty();
        List<String> passed;
        if (namesMode) {
            assertThat(out.get("Nodes").isNull()).as("names in, names out").isTrue();
            passed = Fixtures.names(out.get("NodeNames").values().iterator());
        } else {
            assertThat(out.get("NodeNames").isNull()).as("nodes in, nodes out").isTrue();
            passed = Fixtures.names(out.get("Nodes").get("items").values().iterator());
            // Each passing node comes back exactly as it was received.
            String requestText = new String(request, StandardCharsets.UTF_8);
            List<String> raw = Fixtures.rawNodeItems(answer);
            assertThat(raw).hasSize(passed.size());
            for (String item : raw) {
                assertThat(requestText).contains(item);
            }
            Map<String, JsonNode> byName = new HashMap<>();
            in.get("Nodes").get("items").values().forEach(n -> byName.put(n.get("metadata").get("name").asString(), n));
            out.get("Nodes").get("items").values().forEach(n -> assertThat(n).isEqualTo(byName.get(n.get("metadata").get("name").asString())));
        }
        assertThat(input).containsAll(passed);
        Set<String> failed = new HashSet<>(out.get("FailedNodes").propertyNames());
        Set<String> unresolvable = new HashSet<>(out.get("FailedAndUnresolvableNodes").propertyNames());
        for (String node : input) {
            int places = (passed.contains(node) ? 1 : 0) + (failed.contains(node) ? 1 : 0) + (unresolvable.contains(node) ? 1 : 0);
            assertThat(places).as("node %s appears in exactly one of result and failure maps", node).isEqualTo(1);
        }
        assertThat(passed.size() + failed.size() + unresolvable.size()).isEqualTo(input.size());
    }

    private static void checkPrioritize(JsonNode in, JsonNode out) {
        boolean namesMode = !in.get("NodeNames").isNull();
        List<String> input = namesMode ? Fixtures.names(in.get("NodeNames").values().iterator())
                : Fixtures.names(in.get("Nodes").get("items").values().iterator());
        assertThat(out.isArray()).isTrue();
        List<String> hosts = new ArrayList<>();
        for (JsonNode hp : out.values()) {
            hosts.add(hp.get("Host").asString());
            assertThat(hp.get("Score").asInt()).isBetween(0, 10);
        }
        // Every node once, or none at all when every node scores alike (a constant that changes no ranking).
        if (!hosts.isEmpty()) {
            assertThat(hosts).containsExactlyElementsOf(input);
        }
    }

    private static void checkPreempt(JsonNode in, JsonNode out) {
        JsonNode victims = in.get("NodeNameToVictims").isNull() ? in.get("NodeNameToMetaVictims") : in.get("NodeNameToVictims");
        boolean meta = in.get("NodeNameToVictims").isNull();
        JsonNode kept = out.get("NodeNameToMetaVictims");
        assertThat(kept.isObject()).isTrue();
        for (String node : kept.propertyNames()) {
            assertThat(victims.has(node)).as("%s was a candidate", node).isTrue();
            Set<String> given = new HashSet<>();
            victims.get(node).get("Pods").values().forEach(p -> given.add(meta ? p.get("UID").asString() : p.get("metadata").get("uid").asString()));
            JsonNode pods = kept.get(node).get("Pods");
            assertThat(pods.size()).as("never a node with zero victims").isPositive();
            pods.values().forEach(p -> assertThat(given).contains(p.get("UID").asString()));
            assertThat(kept.get(node).get("NumPDBViolations").asLong()).isEqualTo(victims.get(node).get("NumPDBViolations").asLong());
        }
    }

    @Test
    void theLtsc2019PodIsKeptOffNewerWindowsBuildsWithReasonsPeopleRead() {
        JsonNode out = Fixtures.json(post("/filter", Fixtures.bytes("filter-args-full-nodes.json")));
        assertThat(Fixtures.names(out.get("Nodes").get("items").values().iterator())).containsExactly("win2019-1", "win2019-2");
        assertThat(out.get("FailedNodes").isEmpty()).isTrue();
        JsonNode unresolvable = out.get("FailedAndUnresolvableNodes");
        assertThat(unresolvable.get("win2022-1").asString()).isEqualTo(String.format(Reasons.BUILD_MISMATCH, "10.0.20348", IIS_2019, "10.0.17763"));
        assertThat(unresolvable.get("win2022-2").asString()).isEqualTo(String.format(Reasons.BUILD_MISMATCH, "10.0.20348", IIS_2019, "10.0.17763"));
        assertThat(unresolvable.get("win2025-1").asString()).isEqualTo(String.format(Reasons.BUILD_MISMATCH, "10.0.26100", IIS_2019, "10.0.17763"));
    }

    @Test
    void theLtsc2019PodScoresOnlyOnItsOwnBuild() {
        JsonNode out = Fixtures.json(post("/prioritize", Fixtures.bytes("prioritize-args-full-nodes.json")));
        Map<String, Integer> scores = new HashMap<>();
        out.values().forEach(hp -> scores.put(hp.get("Host").asString(), hp.get("Score").asInt()));
        assertThat(scores).containsEntry("win2022-1", 0).containsEntry("win2025-1", 0);
        assertThat(scores.get("win2019-1")).isPositive();
    }

    /** Standalone, names only: no node osfit can tell apart, so one score for all, and then no list at all. */
    @Test
    void nodesThatAllScoreAlikeGetAnEmptyPriorityList() {
        assertThat(new String(post("/prioritize", Fixtures.bytes("prioritize-args-nodenames.json")), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("[]");
    }

    @Test
    void namesOnlyRequestsPassNodesOsfitCannotCheckWithoutANodeIndex() {
        JsonNode out = Fixtures.json(post("/filter", Fixtures.bytes("filter-args-nodenames.json")));
        assertThat(Fixtures.names(out.get("NodeNames").values().iterator()))
                .containsExactly("win2019-1", "win2019-2", "win2022-1", "win2022-2", "win2025-1");
    }

    @Test
    void ltsc2022PodsFromRuntimeClassAndOsNameRunOnTheirBuild() {
        for (String file : List.of("filter-args-full-nodes-runtimeclass.json", "filter-args-full-nodes-os-windows-build.json")) {
            JsonNode out = Fixtures.json(post("/filter", Fixtures.bytes(file)));
            assertThat(Fixtures.names(out.get("Nodes").get("items").values().iterator())).as(file).containsExactly("win2022-1", "win2022-2");
        }
    }

    private byte[] post(String path, byte[] body) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(byte[].class).returnResult().getResponseBody();
    }
}
