package dev.osfit.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.match.Reasons;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * osfit in cluster mode, its node index fed by the real API server, behind a real kube-scheduler with
 * the shipped {@code scheduler-config/osfit-names.yaml} (nodeCacheCapable: only names are sent).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class NamesRealSchedulerTest extends RealSchedulerScenarios {

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ControlPlane plane = plane();
        registry.add("osfit.nodes.source", () -> "cluster");
        registry.add("osfit.nodes.audit-unconsulted", () -> "true"); // one osfit answers every call here
        registry.add("osfit.nodes.kubeconfig", () -> plane.osfitKubeconfig().toString());
    }

    @Autowired
    WebTestClient client;

    @Override
    String schedulerConfig() {
        return "osfit-names.yaml";
    }

    @Override
    String namespace() {
        return "names";
    }

    /**
     * Hyper-V isolation read from the cluster's RuntimeClasses: an ltsc2019 pod held to Windows Server 2022
     * nodes by its own node selector is bound there when its RuntimeClass runs containerd's Hyper-V handler,
     * and stays Pending under process isolation; an ltsc2025 image is too new for a 2022 host either way.
     */
    @Test
    void aHyperVRuntimeClassLetsAnOlderImageRunOnANewerHost() {
        ControlPlane plane = plane();
        Kube kube = plane.kube();
        kube.namespace("hyperv");
        Kube.Answer rc = kube.create("/apis/node.k8s.io/v1/runtimeclasses", Map.of("metadata", Map.of("name", "windows-hyperv"),
                "handler", "runhcs-wcow-hypervisor", "scheduling", Map.of("nodeSelector", Map.of("kubernetes.io/os", "windows"))));
        assertThat(rc.status()).as("%s", rc.body()).isIn(201, 409);
        awaitOsfit();
        String probe = "{\"Pod\":{\"metadata\":{\"name\":\"probe\",\"namespace\":\"hyperv\"},\"spec\":{\"runtimeClassName\":"
                + "\"windows-hyperv\",\"containers\":[{\"name\":\"c\",\"image\":\"" + IIS_2019 + "\"}]}},\"NodeNames\":[\"sched-win2022-1\"]}";
        await().atMost(Duration.ofSeconds(30)).until(() -> Kube.JSON.readTree(client.post().uri("/filter").header("Content-Type", "application/json")
                .bodyValue(probe).exchange().expectBody(byte[].class).returnResult().getResponseBody()).path("NodeNames").size() == 1);

        try (KubeScheduler scheduler = KubeScheduler.start(plane, schedulerConfig(), "http://127.0.0.1:" + port)) {
            createOn2022(kube, "iis-hyperv", "windows-hyperv", IIS_2019);
            createOn2022(kube, "iis-process", null, IIS_2019);
            createOn2022(kube, "core2025-hyperv", "windows-hyperv", CORE_2025);

            String node = kube.waitBound("hyperv", "iis-hyperv", Duration.ofSeconds(30));
            assertThat(node).as("bound; kube-scheduler's log:%n%s", scheduler.log()).isNotNull();
            assertThat(platformOf(kube, node)).isEqualTo("windows 10.0.20348");
            assertThat(kube.waitEvents("hyperv", "iis-process", "FailedScheduling", Duration.ofSeconds(30)))
                    .anySatisfy(m -> assertThat(m).contains(String.format(Reasons.BUILD_MISMATCH, "10.0.20348", IIS_2019, "10.0.17763")));
            assertThat(kube.waitEvents("hyperv", "core2025-hyperv", "FailedScheduling", Duration.ofSeconds(30)))
                    .anySatisfy(m -> assertThat(m).contains(String.format(Reasons.BUILD_MISMATCH_HYPERV, "10.0.20348", CORE_2025, "10.0.26100")));
            System.out.printf("Hyper-V RuntimeClass: iis-hyperv bound to %s; iis-process and core2025-hyperv Pending%n", node);
        }
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    io.kubernetes.client.openapi.ApiClient apiClient;

    /**
     * The silent bypass: a kube-scheduler whose extender URL goes nowhere, with the shipped {@code ignorable: true},
     * schedules without osfit. An ltsc2022 pod it binds to a Linux node gets osfit's Warning events (placed where
     * osfit rejects it, and without osfit being asked) and the counters move; a pod scheduled through osfit gets none.
     */
    @Test
    void aPodPlacedWithoutOsfitIsReported() throws Exception {
        ControlPlane plane = plane();
        Kube kube = plane.kube();
        kube.namespace("bypass");
        awaitOsfit();
        double incompatible = meters.find("osfit.placement.audit").tag("outcome", "incompatible").counter().count();
        double notConsulted = meters.find("osfit.placement.audit").tag("outcome", "not_consulted").counter().count();
        double compatible = meters.find("osfit.placement.audit").tag("outcome", "compatible").counter().count();
        double filtered = meters.find("osfit.placement.audit").tag("outcome", "filtered").counter().count();
        // A scheduler profile of this test's own, so that only its pods are scheduled while osfit is out of reach.
        try (KubeScheduler scheduler = KubeScheduler.start(plane, schedulerConfig(), "http://127.0.0.1:" + port, BYPASS)) {
            assertThat(kube.createPod("bypass", linuxOnly(Kube.pod("through-osfit", Map.of(ANNOTATION, NGINX + " linux/amd64"), NGINX))).status())
                    .isEqualTo(201);
            assertThat(kube.waitBound("bypass", "through-osfit", Duration.ofSeconds(30))).as("log:%n%s", scheduler.log()).isNotNull();
        }
        // osfit answered its filter: counted as such, and not read back from the API server (no compatible check).
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (meters.find("osfit.placement.audit").tag("outcome", "filtered").counter().count() < filtered + 1 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(meters.find("osfit.placement.audit").tag("outcome", "filtered").counter().count()).isEqualTo(filtered + 1);
        assertThat(meters.find("osfit.placement.audit").tag("outcome", "compatible").counter().count()).isEqualTo(compatible);
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (KubeScheduler bypassed = KubeScheduler.start(plane, schedulerConfig(), "http://127.0.0.1:" + closed, BYPASS)) {
            assertThat(kube.createPod("bypass", linuxOnly(Kube.pod("core2022-on-linux", null, CORE_2022))).status()).isEqualTo(201);
            String node = kube.waitBound("bypass", "core2022-on-linux", Duration.ofSeconds(30));
            assertThat(node).as("bound without osfit; log:%n%s", bypassed.log()).isNotNull();
            List<String> incompatibleEvents = kube.waitEvents("bypass", "core2022-on-linux", "OsfitIncompatibleNode", Duration.ofSeconds(30));
            assertThat(incompatibleEvents).singleElement().satisfies(m -> assertThat(m).startsWith("bound to node " + node + ", where osfit says: ")
                    .contains(String.format(Reasons.PLATFORM_MISMATCH, "linux", CORE_2022, "windows")));
            assertThat(kube.waitEvents("bypass", "core2022-on-linux", "OsfitNotConsulted", Duration.ofSeconds(10))).hasSize(1);
            // The other replica comes to the same finding: its event is the same object, not a second one.
            String uid = kube.pod("bypass", "core2022-on-linux").path("metadata").path("uid").asString();
            new dev.osfit.cluster.PodEvents(apiClient).warning("bypass", "core2022-on-linux", uid, "OsfitIncompatibleNode", "again");
            assertThat(kube.waitEvents("bypass", "core2022-on-linux", "OsfitIncompatibleNode", Duration.ofSeconds(1))).hasSize(1);
            System.out.printf("bypassed pod bound to %s; osfit's events: %s%n", node, incompatibleEvents);
        }
        assertThat(meters.find("osfit.placement.audit").tag("outcome", "incompatible").counter().count()).isEqualTo(incompatible + 1);
        assertThat(meters.find("osfit.placement.audit").tag("outcome", "not_consulted").counter().count()).isEqualTo(notConsulted + 1);
        assertThat(kube.waitEvents("bypass", "through-osfit", "OsfitIncompatibleNode", Duration.ofSeconds(1))).isEmpty();
        assertThat(kube.waitEvents("bypass", "through-osfit", "OsfitNotConsulted", Duration.ofSeconds(1))).isEmpty();
    }

    static final String BYPASS = "bypass-scheduler";

    private static ObjectNode linuxOnly(ObjectNode pod) {
        ((ObjectNode) pod.get("spec")).put("schedulerName", BYPASS).putObject("nodeSelector").put("kubernetes.io/os", "linux");
        return pod;
    }

    private static void createOn2022(Kube kube, String name, String runtimeClass, String image) {
        ObjectNode pod = Kube.pod(name, null, image);
        ObjectNode spec = (ObjectNode) pod.get("spec");
        spec.putObject("nodeSelector").put("node.kubernetes.io/windows-build", "10.0.20348");
        if (runtimeClass != null) {
            spec.put("runtimeClassName", runtimeClass);
        }
        Kube.Answer a = kube.createPod("hyperv", pod);
        assertThat(a.status()).as("create %s: %s", name, a.body()).isEqualTo(201);
    }

    @Override
    void awaitOsfit() {
        awaitOsfit(NODES.keySet());
    }

    @Override
    void awaitOsfit(java.util.Collection<String> nodes) {
        String names = String.join("\",\"", nodes);
        String body = "{\"Pod\":{\"metadata\":{\"name\":\"probe\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"" + IIS_2019 + "\"}]}},\"NodeNames\":[\"" + names + "\"]}";
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            byte[] out = client.post().uri("/filter").header("Content-Type", "application/json").bodyValue(body)
                    .exchange().expectBody(byte[].class).returnResult().getResponseBody();
            return out != null && allIndexed(Kube.JSON.readTree(out));
        });
    }
}
