package dev.osfit.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The upgrade planner against the real API server, osfit running with the base RBAC: workloads of
 * every kind with ltsc2019, 1809, ltsc2022, ltsc2025 and Linux images (the Windows tag table and the
 * platform annotation decide; registries are off), planned for Windows Server 2025 (26100), 2022
 * (20348), Linux arm64 and a labelled pool of 2025 nodes. README's WS2019 to WS2025 table is this
 * test's answer, checked word for word.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"osfit.nodes.source=cluster"})
@AutoConfigureWebTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PlanRealApiServerTest {

    static final String NS = "plan-demo";
    static final String IIS_2019 = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019";
    static final String NANO_1809 = "mcr.microsoft.com/windows/nanoserver:1809";
    static final String CORE_2022 = "mcr.microsoft.com/windows/servercore:ltsc2022";
    static final String CORE_2025 = "mcr.microsoft.com/windows/servercore:ltsc2025";

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ControlPlane plane = ControlPlane.shared();
        registry.add("osfit.nodes.kubeconfig", () -> plane.osfitKubeconfig().toString());
    }

    @BeforeAll
    static void workloads() {
        Kube kube = ControlPlane.shared().kube();
        kube.namespace(NS);
        for (String node : List.of("plan-win25-a", "plan-win25-b")) {
            kube.node(node, "windows", "amd64", "10.0.26100.2605");
            kube.mergePatch("/api/v1/nodes/" + node, Map.of("metadata", Map.of("labels", Map.of("osfit.dev/plan-pool", "win25"))));
        }
        String apps = "/apis/apps/v1/namespaces/" + NS;
        String batch = "/apis/batch/v1/namespaces/" + NS;
        create(kube, apps + "/deployments", workload("web-iis", Map.of("selector", selector("web-iis"), "template", template("web-iis", null, IIS_2019))));
        create(kube, apps + "/statefulsets", workload("ledger", Map.of("serviceName", "ledger", "selector", selector("ledger"),
                "template", template("ledger", null, CORE_2022))));
        create(kube, apps + "/daemonsets", workload("node-agent", Map.of("selector", selector("node-agent"), "template", template("node-agent", null, CORE_2025))));
        create(kube, apps + "/replicasets", workload("legacy-api", Map.of("selector", selector("legacy-api"), "template", template("legacy-api", null, NANO_1809))));
        Map<String, Object> owned = new LinkedHashMap<>(workload("web-iis-5d8f", Map.of("selector", selector("web-iis"),
                "template", template("web-iis", null, IIS_2019))));
        ((Map<String, Object>) owned.get("metadata")).put("ownerReferences", List.of(Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "name", "web-iis", "uid", "00000000-0000-0000-0000-000000000002")));
        create(kube, apps + "/replicasets", owned);
        create(kube, batch + "/cronjobs", workload("nightly-report", Map.of("schedule", "0 2 * * *", "jobTemplate", Map.of("spec",
                Map.of("template", template("nightly-report", "* linux/amd64 linux/arm64", "registry.example.com/tools/report:2.1"))))));
        Map<String, Object> jobTemplate = new LinkedHashMap<>(template("reindex", "* linux/amd64", "registry.example.com/tools/reindex:1.0"));
        ((Map<String, Object>) jobTemplate.get("spec")).put("restartPolicy", "Never");
        create(kube, batch + "/jobs", workload("reindex", Map.of("template", jobTemplate)));
        create(kube, "/api/v1/namespaces/" + NS + "/pods", Map.of("metadata", Map.of("name", "debug-shell"),
                "spec", Map.of("containers", List.of(Map.of("name", "c", "image", "registry.example.com/tools/shell:latest")))));
    }

    static Map<String, Object> selector(String app) {
        return Map.of("matchLabels", Map.of("app", app));
    }

    static Map<String, Object> workload(String name, Map<String, Object> spec) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
        w.put("spec", spec);
        return w;
    }

    static Map<String, Object> template(String app, String platforms, String image) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("labels", Map.of("app", app));
        if (platforms != null) {
            meta.put("annotations", Map.of("osfit.dev/image-platforms", platforms));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("restartPolicy", platforms != null ? "OnFailure" : "Always"); // the Linux ones are a CronJob and a Job
        spec.put("containers", List.of(Map.of("name", "c", "image", image)));
        return new LinkedHashMap<>(Map.of("metadata", meta, "spec", spec));
    }

    static void create(Kube kube, String path, Map<String, Object> body) {
        Kube.Answer a = kube.create(path, body);
        assertThat(a.status()).as("%s: %s", path, a.body()).isIn(201, 409);
    }

    @Autowired
    WebTestClient client;

    Map<String, String> verdicts(String query) {
        String[] kv = query.split("=", 2);
        String[] extra = kv[1].contains("&") ? kv[1].split("&", 2) : new String[] {kv[1]};
        JsonNode plan = Kube.JSON.readTree(client.get().uri(b -> {
                    b.path("/plan").queryParam("namespace", NS).queryParam(kv[0], "{value}");
                    if (extra.length > 1) {
                        b.query(extra[1]);
                    }
                    return b.build(extra[0]);
                }).exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody());
        Map<String, String> out = new LinkedHashMap<>();
        plan.path("workloads").forEach(w -> out.put(w.path("kind").asString() + "/" + w.path("name").asString(), w.path("outcome").asString()));
        return out;
    }

    @Test
    void windowsServer2025RunsTheLtsc2022AndLtsc2025ImagesAndNothingOlder() {
        assertThat(verdicts("windows-build=10.0.26100")).containsExactly(
                Map.entry("CronJob/nightly-report", "CANNOT_RUN"), Map.entry("Deployment/web-iis", "CANNOT_RUN"),
                Map.entry("Job/reindex", "CANNOT_RUN"), Map.entry("ReplicaSet/legacy-api", "CANNOT_RUN"),
                Map.entry("Pod/debug-shell", "UNKNOWN"), Map.entry("StatefulSet/ledger", "RUNS_OLDER_IMAGE"),
                Map.entry("DaemonSet/node-agent", "RUNS"));
    }

    @Test
    void windowsServer2022RunsOnlyItsOwnBuild() {
        assertThat(verdicts("windows-build=10.0.20348")).contains(Map.entry("StatefulSet/ledger", "RUNS"),
                Map.entry("DaemonSet/node-agent", "CANNOT_RUN"), Map.entry("Deployment/web-iis", "CANNOT_RUN"));
    }

    @Test
    void linuxArm64RunsTheMultiArchCronJobOnly() {
        assertThat(verdicts("os=linux&arch=arm64")).contains(Map.entry("CronJob/nightly-report", "RUNS"),
                Map.entry("Job/reindex", "CANNOT_RUN"), Map.entry("DaemonSet/node-agent", "CANNOT_RUN"), Map.entry("Pod/debug-shell", "UNKNOWN"));
    }

    @Test
    void aLabelledPoolIsPlannedByItsNodesPlatforms() {
        assertThat(verdicts("nodes=osfit.dev/plan-pool=win25")).isEqualTo(verdicts("windows-build=10.0.26100"));
    }

    @Test
    void badTargetsAreRefusedWithTheReason() {
        client.get().uri("/plan?windows-build=eleven").exchange().expectStatus().isBadRequest().expectBody(String.class)
                .value(b -> assertThat(b).contains("windows-build must be a Windows version"));
        client.get().uri("/plan").exchange().expectStatus().isBadRequest();
        client.get().uri(b -> b.path("/plan").queryParam("nodes", "{selector}").build("osfit.dev/plan-pool=none")).exchange().expectStatus().isBadRequest().expectBody(String.class)
                .value(b -> assertThat(b).contains("no node matches"));
    }

    /** README's Operate section shows this plan as it is. */
    @Test
    void readmeShowsTheRealTableForAMoveFromWindowsServer2019To2025() throws Exception {
        String table = client.get().uri("/plan?namespace=" + NS + "&windows-build=10.0.26100&format=text").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        System.out.println(table);
        String readme = Files.readString(Path.of("README.md"));
        String command = "curl -s 'localhost:8888/plan?namespace=plan-demo&windows-build=10.0.26100&format=text'";
        assertThat(readme).contains(command);
        int block = readme.indexOf("```text\n", readme.indexOf(command));
        assertThat(readme.substring(block + 8, readme.indexOf("```", block + 8))).isEqualTo(table);
    }
}
