package dev.osfit.controlplane;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
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
 * Workload templates resolved before their pods exist, with the real API server (no controllers run
 * there, so no pod is ever created): a workload of each kind names an image at a registry that takes
 * 1.5 s to answer; osfit, running with the base RBAC, asks the registry for each as the workload
 * appears, so a pod of that image is then answered from the registry's index within a 100 ms budget.
 * A ReplicaSet a Deployment owns, and a Job a CronJob owns, are left to their owners.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "osfit.nodes.source=cluster", "osfit.registry.enabled=true", "osfit.registry.request-budget=100ms",
        "osfit.registry.allow=127.0.0.1"})
@AutoConfigureWebTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TemplatePrefetchRealApiServerTest {

    static final WireMockServer REGISTRY = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    static final String NAMESPACE = "templates";
    static final String INDEX = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1,
              "platform":{"architecture":"amd64","os":"windows","os.version":"10.0.26100.2605"}}]}""".formatted("6".repeat(64));

    static String image(String repo) {
        return "127.0.0.1:" + REGISTRY.port() + "/team/" + repo + ":1";
    }

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        REGISTRY.start();
        REGISTRY.stubFor(get(urlPathMatching("/v2/team/.*/manifests/1")).willReturn(aResponse().withStatus(200).withFixedDelay(1500)
                .withHeader("Content-Type", "application/vnd.oci.image.index.v1+json").withBody(INDEX)));
        ControlPlane plane = ControlPlane.shared();
        Kube kube = plane.kube();
        kube.node("tmpl-win2025", "windows", "amd64", "10.0.26100.2605");
        kube.node("tmpl-win2022", "windows", "amd64", "10.0.20348.2966");
        registry.add("osfit.registry.insecure", () -> "127.0.0.1:" + REGISTRY.port());
        registry.add("osfit.nodes.kubeconfig", () -> plane.osfitKubeconfig().toString());
    }

    @AfterAll
    static void stop() {
        REGISTRY.stop();
    }

    @Autowired
    WebTestClient client;

    static Map<String, Object> template(String repo, String restartPolicy) {
        return Map.of("metadata", Map.of("labels", Map.of("app", repo)), "spec", Map.of("restartPolicy", restartPolicy,
                "containers", List.of(Map.of("name", "c", "image", image(repo)))));
    }

    static void create(Kube kube, String path, Map<String, Object> body) {
        Kube.Answer a = kube.create(path, body);
        assertThat(a.status()).as("%s: %s", path, a.body()).isIn(201, 409);
    }

    @Test
    void everyKindOfWorkloadIsResolvedBeforeItsPodsExist() {
        Kube kube = ControlPlane.shared().kube();
        kube.namespace(NAMESPACE);
        String apps = "/apis/apps/v1/namespaces/" + NAMESPACE;
        String batch = "/apis/batch/v1/namespaces/" + NAMESPACE;
        create(kube, apps + "/deployments", Map.of("metadata", Map.of("name", "deploy"), "spec",
                Map.of("selector", Map.of("matchLabels", Map.of("app", "deploy")), "template", template("deploy", "Always"))));
        create(kube, apps + "/statefulsets", Map.of("metadata", Map.of("name", "sts"), "spec",
                Map.of("serviceName", "sts", "selector", Map.of("matchLabels", Map.of("app", "sts")), "template", template("sts", "Always"))));
        create(kube, apps + "/daemonsets", Map.of("metadata", Map.of("name", "ds"), "spec",
                Map.of("selector", Map.of("matchLabels", Map.of("app", "ds")), "template", template("ds", "Always"))));
        create(kube, apps + "/replicasets", Map.of("metadata", Map.of("name", "rs"), "spec",
                Map.of("selector", Map.of("matchLabels", Map.of("app", "rs")), "template", template("rs", "Always"))));
        create(kube, apps + "/replicasets", Map.of("metadata", Map.of("name", "owned-rs", "ownerReferences", List.of(Map.of(
                "apiVersion", "apps/v1", "kind", "Deployment", "name", "deploy", "uid", "00000000-0000-0000-0000-000000000001"))),
                "spec", Map.of("selector", Map.of("matchLabels", Map.of("app", "owned-rs")), "template", template("owned-rs", "Always"))));
        create(kube, batch + "/jobs", Map.of("metadata", Map.of("name", "job"), "spec", Map.of("template", template("job", "Never"))));
        create(kube, batch + "/cronjobs", Map.of("metadata", Map.of("name", "cron"), "spec", Map.of("schedule", "0 3 * * *",
                "jobTemplate", Map.of("spec", Map.of("template", template("cron", "OnFailure"))))));

        for (String repo : List.of("deploy", "sts", "ds", "rs", "job", "cron")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> REGISTRY.verify(getRequestedFor(urlPathEqualTo("/v2/team/" + repo + "/manifests/1"))));
        }
        // Every lookup has had its 1.5 s: a pod of the Deployment is answered from the index, not the fallback.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(passed(image("deploy"))).containsExactly("tmpl-win2025"));
        assertThat(passed(image("cron"))).containsExactly("tmpl-win2025");
        REGISTRY.verify(0, getRequestedFor(urlPathEqualTo("/v2/team/owned-rs/manifests/1")));
        String metrics = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();
        assertThat(metrics).containsPattern("osfit_registry_prefetch_templates_total [6-9]");
    }

    private List<String> passed(String image) {
        String body = "{\"Pod\":{\"metadata\":{\"name\":\"probe\",\"namespace\":\"" + NAMESPACE + "\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"" + image + "\"}]}},\"NodeNames\":[\"tmpl-win2025\",\"tmpl-win2022\"]}";
        byte[] out = client.post().uri("/filter").header("Content-Type", "application/json").bodyValue(body)
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
        return Kube.JSON.readTree(out).path("NodeNames").values().stream().map(JsonNode::asString).toList();
    }
}
