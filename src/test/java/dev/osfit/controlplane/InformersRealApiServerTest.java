package dev.osfit.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.match.Reasons;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.osfit.OsfitApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * osfit's informers (nodes, and the unscheduled pods behind the prefetch) against a real
 * kube-apiserver: what they cost a quiet cluster when watches end, and that node changes reach the
 * answers, through an API server restart too. Watches are asked to last 20 s (times [1, 2)) so that
 * several end within the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "osfit.nodes.source=cluster", "osfit.nodes.watch-timeout=20s",
        // What is measured here is the informers' cost; the drift sweep's paged LIST of pods (every 10 min) is its own.
        "osfit.nodes.detect-drift=false",
        // The pod informer runs for the prefetch; no registry may be contacted from a test.
        "osfit.registry.enabled=true", "osfit.registry.allow-only=true"})
@AutoConfigureWebTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InformersRealApiServerTest {

    static final String LTSC2019 = "mcr.microsoft.com/windows/servercore:ltsc2019";
    static final String LTSC2022 = "mcr.microsoft.com/windows/servercore:ltsc2022";

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ControlPlane plane = ControlPlane.shared();
        Kube kube = plane.kube();
        kube.node("inf-win-a", "windows", "amd64", "10.0.20348.2966");
        kube.node("inf-win-b", "windows", "amd64", "10.0.20348.2966");
        registry.add("osfit.nodes.kubeconfig", () -> plane.osfitKubeconfig().toString());
    }

    @Autowired
    WebTestClient client;

    @Test
    @Order(1)
    void onAQuietClusterEveryEndedWatchIsFollowedByAWatchNotByAList() throws Exception {
        ControlPlane plane = ControlPlane.shared();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
        Thread.sleep(2000); // the first lists are done and both watches are open
        long nodeLists = plane.requests("LIST", "nodes");
        long podLists = plane.requests("LIST", "pods");
        long nodeWatches = plane.requests("WATCH", "nodes");
        long podWatches = plane.requests("WATCH", "pods");
        Duration quiet = Duration.ofSeconds(100);
        Thread.sleep(quiet.toMillis());
        long endedNodeWatches = plane.requests("WATCH", "nodes") - nodeWatches;
        long endedPodWatches = plane.requests("WATCH", "pods") - podWatches;
        long newNodeLists = plane.requests("LIST", "nodes") - nodeLists;
        long newPodLists = plane.requests("LIST", "pods") - podLists;
        System.out.printf("quiet cluster, %d s, watch-timeout 20s: node watches ended %d, node lists %d; pod watches ended %d, pod lists %d%n",
                quiet.toSeconds(), endedNodeWatches, newNodeLists, endedPodWatches, newPodLists);
        // apiserver_request_total counts a watch when it ends: each informer's watches ended and were
        // renewed (20-40 s each), and nothing was listed again.
        assertThat(endedNodeWatches).as("node watches ended in %s", quiet).isGreaterThanOrEqualTo(2);
        assertThat(endedPodWatches).as("pod watches ended in %s", quiet).isGreaterThanOrEqualTo(2);
        assertThat(newNodeLists).as("node LISTs after the first").isZero();
        assertThat(newPodLists).as("pod LISTs after the first").isZero();
    }

    @Test
    @Order(2)
    void aRelabelledNodeAndADeletedNodeReachTheAnswersThroughAnApiServerRestartToo() throws Exception {
        ControlPlane plane = ControlPlane.shared();
        Kube kube = plane.kube();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(passed(LTSC2022)).containsExactly("inf-win-a", "inf-win-b"));

        relabel(kube, "inf-win-a", "10.0.17763.6659");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(passed(LTSC2019)).containsExactly("inf-win-a");
            assertThat(passed(LTSC2022)).containsExactly("inf-win-b");
        });

        kube.delete("/api/v1/nodes/inf-win-b");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(filter(LTSC2022).path("FailedNodes").path("inf-win-b").asString()).isEqualTo(Reasons.NODE_NOT_INDEXED));

        plane.stopApiServer();
        try {
            Thread.sleep(3000);
            // Still answering from the last snapshot while the API server is away.
            assertThat(passed(LTSC2019)).containsExactly("inf-win-a");
        } finally {
            plane.startApiServer();
        }
        relabel(kube, "inf-win-a", "10.0.20348.2966");
        kube.node("inf-win-b", "windows", "amd64", "10.0.17763.6659");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(passed(LTSC2022)).containsExactly("inf-win-a");
            assertThat(passed(LTSC2019)).containsExactly("inf-win-b");
        });
    }

    @Test
    @Order(3)
    @ExtendWith(OutputCaptureExtension.class)
    void aCleanStopLogsNoError(CapturedOutput output) {
        ControlPlane plane = ControlPlane.shared();
        int from = output.length();
        ConfigurableApplicationContext osfit = new SpringApplicationBuilder(OsfitApplication.class).run(
                "--server.port=0", "--osfit.nodes.source=cluster", "--osfit.nodes.kubeconfig=" + plane.osfitKubeconfig(),
                "--osfit.registry.enabled=true", "--osfit.registry.allow-only=true", "--spring.reactor.netty.shutdown-quiet-period=0s");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> osfit.getBean(dev.osfit.node.NodeIndex.class).synced());
        } finally {
            osfit.close();
        }
        String stopping = output.toString().substring(from);
        assertThat(stopping).contains("node index synced").doesNotContain(" ERROR ").doesNotContain("InterruptedException");
    }

    private static void relabel(Kube kube, String node, String kernelVersion) {
        String build = kernelVersion.substring(0, kernelVersion.lastIndexOf('.'));
        kube.mergePatch("/api/v1/nodes/" + node, Map.of("metadata", Map.of("labels", Map.of("node.kubernetes.io/windows-build", build))));
        kube.mergePatch("/api/v1/nodes/" + node + "/status", Map.of("status", Map.of("nodeInfo", Map.of("kernelVersion", kernelVersion))));
    }

    private List<String> passed(String image) {
        return filter(image).path("NodeNames").values().stream().map(JsonNode::asString).toList();
    }

    private JsonNode filter(String image) {
        String body = "{\"Pod\":{\"metadata\":{\"name\":\"probe\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"" + image + "\"}]}},\"NodeNames\":[\"inf-win-a\",\"inf-win-b\"]}";
        byte[] out = client.post().uri("/filter").header("Content-Type", "application/json").bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
        return Kube.JSON.readTree(out);
    }
}
