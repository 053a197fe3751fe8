package dev.osfit.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.config.TestCertificates;
import dev.osfit.registry.RegistryTestAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * Placement hints alone: the shipped MutatingWebhookConfiguration registered with the real API server
 * (its service reference swapped for osfit's webhook port and the test CA), kube-scheduler with the
 * shipped {@code hints-only.yaml} (no extender). Pods created through the API server get osfit's
 * hints and land where their images run; a pod whose images conflict is admitted held Pending, with
 * osfit's warning in the create answer (what kubectl prints); a pod whose registry answers too slowly
 * for admission is gated and released by osfit's gate controller with its hints.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("webhook")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class HintsRealApiServerTest {

    static final RegistryTestAccess REGISTRY = new RegistryTestAccess();
    static final int WEBHOOK_PORT = ControlPlane.freePort();
    static final String WEBHOOK = "osfit-placement-hints";
    static final String NS = "hints";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        ControlPlane plane = RealSchedulerScenarios.plane();
        REGISTRY.serveIndex("/v2/win/iis/manifests/ltsc2019", RegistryTestAccess.ociIndex("windows amd64 10.0.17763.6659"), 0);
        REGISTRY.serveIndex("/v2/win/servercore/manifests/ltsc2022", RegistryTestAccess.ociIndex("windows amd64 10.0.20348.2966"), 0);
        REGISTRY.serveIndex("/v2/win/servercore/manifests/ltsc2025", RegistryTestAccess.ociIndex("windows amd64 10.0.26100.2605"), 0);
        REGISTRY.serveIndex("/v2/library/nginx/manifests/1.27", RegistryTestAccess.ociIndex("linux amd64", "linux arm64"), 0);
        // Slower than the admission budget (500 ms): the pod is gated, and osfit releases it.
        REGISTRY.serveIndex("/v2/win/slow/manifests/ltsc2022", RegistryTestAccess.ociIndex("windows amd64 10.0.20348.2966"), 2000);
        Path tls = Files.createDirectories(plane.dir().resolve("webhook-tls"));
        TestCertificates.Issued serving = plane.ca().sign("osfit-webhook");
        Files.writeString(tls.resolve("tls.crt"), serving.certificatePem());
        Files.writeString(tls.resolve("tls.key"), serving.keyPem());
        registry.add("osfit.admission.port", () -> WEBHOOK_PORT);
        registry.add("osfit.admission.tls-dir", tls::toString);
        registry.add("osfit.admission.gate.enabled", () -> "true");
        registry.add("osfit.admission.gate.max-wait", () -> "20s");
        registry.add("osfit.nodes.source", () -> "cluster");
        registry.add("osfit.nodes.kubeconfig", () -> plane.osfitKubeconfig("manifests/webhook-gate/rbac-gate.yaml").toString());
        registry.add("osfit.registry.enabled", () -> "true");
        registry.add("osfit.registry.insecure", REGISTRY::host);
        registry.add("osfit.registry.allow", () -> "127.0.0.1");
        registry.add("osfit.registry.allow-only", () -> "true");
    }

    /** The shipped webhook configuration, pointed at this osfit. */
    @BeforeAll
    @SuppressWarnings("unchecked")
    static void registerWebhook() throws IOException {
        ControlPlane plane = ControlPlane.shared();
        Map<String, Object> config = new Yaml().load(Files.readString(Path.of("manifests/components/webhook/mutatingwebhook.yaml")));
        ((Map<String, Object>) config.get("metadata")).remove("annotations"); // cert-manager's CA injection
        for (Map<String, Object> webhook : (List<Map<String, Object>>) config.get("webhooks")) {
            webhook.put("clientConfig", Map.of("url", "https://127.0.0.1:" + WEBHOOK_PORT + "/admission/pods",
                    "caBundle", Base64.getEncoder().encodeToString(plane.ca().certificatePem().getBytes(StandardCharsets.US_ASCII))));
        }
        Kube kube = plane.kube();
        kube.delete("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/" + WEBHOOK);
        Kube.Answer a = kube.create("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", config);
        assertThat(a.status()).as("%s", a.body()).isEqualTo(201);
        kube.namespace(NS);
    }

    /** Other tests' pods must not wait on a webhook that is gone. */
    @AfterAll
    static void unregisterWebhook() {
        ControlPlane.shared().kube().delete("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/" + WEBHOOK);
        REGISTRY.close();
    }

    static String image(String path) {
        return REGISTRY.host() + path;
    }

    @Test
    void hintedPodsLandRightWithoutAnExtenderAndAConflictingPodStaysPendingWithTheWarningShown() {
        ControlPlane plane = ControlPlane.shared();
        Kube kube = plane.kube();
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        expected.put("iis-ltsc2019", Set.of("windows 10.0.17763"));
        expected.put("core-ltsc2022", Set.of("windows 10.0.20348", "windows 10.0.26100"));
        expected.put("core-ltsc2025", Set.of("windows 10.0.26100"));
        expected.put("nginx-multiarch", Set.of("linux/amd64", "linux/arm64"));
        expected.put("slow-ltsc2022", Set.of("windows 10.0.20348", "windows 10.0.26100"));

        // osfit answers admission once its node index has the nodes (before that, pods go unchanged).
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Kube.Answer probe = kube.send("POST", "/api/v1/namespaces/" + NS + "/pods?dryRun=All", "application/json",
                    Kube.pod("probe", null, image("/win/iis:ltsc2019")));
            return probe.body().path("metadata").path("annotations").path("osfit.dev/placement").asString("").startsWith("hinted: ");
        });

        try (KubeScheduler scheduler = KubeScheduler.start(plane, "hints-only.yaml", null)) {
            Map<String, JsonNode> created = new LinkedHashMap<>();
            created.put("iis-ltsc2019", create(kube, "iis-ltsc2019", image("/win/iis:ltsc2019")));
            created.put("core-ltsc2022", create(kube, "core-ltsc2022", image("/win/servercore:ltsc2022")));
            created.put("core-ltsc2025", create(kube, "core-ltsc2025", image("/win/servercore:ltsc2025")));
            created.put("nginx-multiarch", create(kube, "nginx-multiarch", image("/library/nginx:1.27")));
            created.put("slow-ltsc2022", create(kube, "slow-ltsc2022", image("/win/slow:ltsc2022")));
            Kube.Answer conflict = kube.createPod(NS, Kube.pod("conflict", null, image("/library/nginx:1.27"), image("/win/iis:ltsc2019")));
            assertThat(conflict.status()).isEqualTo(201);

            for (String pod : List.of("iis-ltsc2019", "core-ltsc2022", "core-ltsc2025", "nginx-multiarch")) {
                assertThat(created.get(pod).path("metadata").path("annotations").path("osfit.dev/placement").asString())
                        .as(pod).startsWith("hinted: ");
            }
            JsonNode slow = created.get("slow-ltsc2022");
            assertThat(slow.path("spec").path("schedulingGates").toString()).as("gated at admission").contains("osfit.dev/resolving");

            Map<String, String> bound = new LinkedHashMap<>();
            for (String pod : expected.keySet()) {
                String node = kube.waitBound(NS, pod, Duration.ofSeconds(40));
                assertThat(node).as("%s bound; kube-scheduler's log:%n%s", pod, scheduler.log()).isNotNull();
                bound.put(pod, node);
            }
            bound.forEach((pod, node) -> assertThat(RealSchedulerScenarios.platformOf(kube, node)).as("%s bound to %s", pod, node)
                    .isIn(expected.get(pod)));
            JsonNode released = kube.pod(NS, "slow-ltsc2022");
            assertThat(released.path("spec").path("schedulingGates").isEmpty()).as("gate lifted").isTrue();
            assertThat(released.path("metadata").path("annotations").path("osfit.dev/placement").asString()).startsWith("hinted: ");

            // The conflicting pod: admitted, held Pending, the reason in the warning, the annotation and the event.
            assertThat(conflict.warnings()).singleElement().asString()
                    .contains("osfit: no node can run this pod: pod's images need conflicting platforms {");
            assertThat(conflict.body().path("metadata").path("annotations").path("osfit.dev/placement").asString())
                    .startsWith("blocked: pod's images need conflicting platforms {");
            List<String> failed = kube.waitEvents(NS, "conflict", "FailedScheduling", Duration.ofSeconds(30));
            assertThat(failed).isNotEmpty();
            assertThat(failed.get(0)).contains("didn't match Pod's node affinity/selector");
            assertThat(kube.pod(NS, "conflict").path("spec").path("nodeName").asString("")).isEmpty();
            System.out.printf("hints only, real kube-scheduler: %s; conflict warning: %s; event: %s%n", bound, conflict.warnings(),
                    failed.get(0));
        }
    }

    /**
     * What README and hints-only.yaml claim: with hints, kube-scheduler's default percentageOfNodesToScore
     * does not hide a sparse pool, because NodeAffinity is checked while it searches for feasible nodes.
     * 300 Linux nodes beside the few Windows Server 2019 ones (kube-scheduler then looks for about 140
     * feasible nodes and would stop there), and every hinted ltsc2019 pod still lands on a 17763 node.
     */
    @Test
    void aSparsePoolIsFoundWithTheDefaultPercentageOfNodesToScore() {
        ControlPlane plane = ControlPlane.shared();
        Kube kube = plane.kube();
        int fillers = 300;
        try {
            for (int i = 0; i < fillers; i++) {
                kube.node("filler-" + i, "linux", "amd64", null);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Kube.Answer probe = kube.send("POST", "/api/v1/namespaces/" + NS + "/pods?dryRun=All", "application/json",
                        Kube.pod("probe", null, image("/win/iis:ltsc2019")));
                return probe.body().path("metadata").path("annotations").path("osfit.dev/placement").asString("").startsWith("hinted: ");
            });
            int total = kube.get("/api/v1/nodes").path("items").size();
            try (KubeScheduler scheduler = KubeScheduler.start(plane, "hints-only.yaml", null)) {
                List<String> bound = new java.util.ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    create(kube, "sparse-" + i, image("/win/iis:ltsc2019"));
                }
                for (int i = 0; i < 5; i++) {
                    String node = kube.waitBound(NS, "sparse-" + i, Duration.ofSeconds(40));
                    assertThat(node).as("sparse-%d bound; kube-scheduler's log:%n%s", i, scheduler.log()).isNotNull();
                    assertThat(RealSchedulerScenarios.platformOf(kube, node)).isEqualTo("windows 10.0.17763");
                    bound.add(node);
                }
                System.out.printf("hints only, %d nodes (%d Linux fillers), default percentageOfNodesToScore: ltsc2019 pods bound to %s%n",
                        total, fillers, bound);
            }
        } finally {
            for (int i = 0; i < fillers; i++) {
                kube.delete("/api/v1/nodes/filler-" + i);
            }
        }
    }

    private static JsonNode create(Kube kube, String name, String... images) {
        Kube.Answer a = kube.createPod(NS, Kube.pod(name, null, images));
        assertThat(a.status()).as("create %s: %s", name, a.body()).isEqualTo(201);
        assertThat(a.warnings()).as("no warning for %s", name).isEmpty();
        return a.body();
    }
}
