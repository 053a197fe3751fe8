package dev.osfit.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Drift with the real API server and osfit's base RBAC: ltsc2022 pods running on a Windows Server 2022
 * node, which is then relabelled as Windows Server 2019 (an in-place change osfit cannot stop): each
 * pod gets one OsfitDrift event and the gauge counts them; relabelled back, the gauge returns to 0.
 * A pod whose image still runs there is left alone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "osfit.nodes.source=cluster", "osfit.nodes.drift-sweep=10s"})
@AutoConfigureWebTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DriftRealApiServerTest {

    static final String NS = "drift";
    static final String NODE = "drift-win";

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ControlPlane plane = ControlPlane.shared();
        plane.kube().node(NODE, "windows", "amd64", "10.0.20348.2966");
        registry.add("osfit.nodes.kubeconfig", () -> plane.osfitKubeconfig().toString());
    }

    @Autowired
    WebTestClient client;

    static void relabel(Kube kube, String kernelVersion) {
        String build = kernelVersion.substring(0, kernelVersion.lastIndexOf('.'));
        kube.mergePatch("/api/v1/nodes/" + NODE, Map.of("metadata", Map.of("labels", Map.of("node.kubernetes.io/windows-build", build))));
        kube.mergePatch("/api/v1/nodes/" + NODE + "/status", Map.of("status", Map.of("nodeInfo", Map.of("kernelVersion", kernelVersion))));
    }

    String gauge() {
        String metrics = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();
        return metrics.lines().filter(l -> l.startsWith("osfit_drift_pods{namespace=\"" + NS + "\"}")).findFirst().orElse("");
    }

    @Test
    void podsOnARelabelledNodeThatCannotRunThemAnymoreAreReportedOnce() {
        Kube kube = ControlPlane.shared().kube();
        kube.namespace(NS);
        for (String name : List.of("ledger-0", "ledger-1")) {
            var pod = Kube.pod(name, Map.of(), "mcr.microsoft.com/windows/servercore:ltsc2022");
            ((tools.jackson.databind.node.ObjectNode) pod.get("spec")).put("nodeName", NODE);
            assertThat(kube.createPod(NS, pod).status()).isIn(201, 409);
        }
        var agent = Kube.pod("agent-0", Map.of("osfit.dev/image-platforms", "* windows(10.0.17763)/amd64 windows(10.0.20348)/amd64"),
                "registry.example.com/agent:3");
        ((tools.jackson.databind.node.ObjectNode) agent.get("spec")).put("nodeName", NODE);
        assertThat(kube.createPod(NS, agent).status()).isIn(201, 409);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());

        relabel(kube, "10.0.17763.6659");
        for (String name : List.of("ledger-0", "ledger-1")) {
            List<String> events = kube.waitEvents(NS, name, "OsfitDrift", Duration.ofSeconds(30));
            assertThat(events).singleElement().satisfies(m -> assertThat(m)
                    .contains("runs on node drift-win, which osfit says can no longer run it: node(s) run Windows build 10.0.17763; "
                            + "image mcr.microsoft.com/windows/servercore:ltsc2022 needs 10.0.20348"));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gauge()).endsWith(" 2.0"));
        // The sweep (every 10 s here) finds them again, and reports them no second time.
        await().pollDelay(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(gauge()).endsWith(" 2.0"));
        assertThat(kube.waitEvents(NS, "ledger-0", "OsfitDrift", Duration.ofSeconds(1))).hasSize(1);
        assertThat(kube.waitEvents(NS, "agent-0", "OsfitDrift", Duration.ofSeconds(1))).isEmpty();

        relabel(kube, "10.0.20348.2966");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(gauge()).endsWith(" 0.0"));
    }
}
