package dev.osfit.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.osfit.admission.GateController;
import dev.osfit.config.OsfitProperties;
import dev.osfit.image.WindowsTagTable;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.UnknownImagePolicy;
import dev.osfit.node.NodeIndex;
import dev.osfit.node.NodePlatform;
import dev.osfit.node.NodeSnapshot;
import dev.osfit.platform.OsVersion;
import dev.osfit.registry.RegistryTestAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gate's life with WireMock as the API server: a gated pod whose image resolves is patched once
 * (gate removed, hint added); one whose registry said no is released without hints at once; one whose
 * registry is too slow is released without hints at the deadline; both with a Warning event; a pod
 * without the gate is left alone.
 */
class GateControllerTest {

    static final String GATE = "osfit.dev/resolving";
    final ApiServerStub api = new ApiServerStub();
    final RegistryTestAccess registry = new RegistryTestAccess();
    GateController controller;
    UnscheduledPods pods;

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.stop();
        }
        if (pods != null) {
            pods.stop();
        }
        registry.close();
        api.close();
    }

    static String pod(String name, String image, boolean gated) {
        return """
                {"kind":"Pod","apiVersion":"v1","metadata":{"name":"%s","namespace":"default","uid":"u-%s","creationTimestamp":"%s"},
                 "spec":{"containers":[{"name":"c","image":"%s"}]%s},"status":{"phase":"Pending"}}"""
                .formatted(name, name, OffsetDateTime.now().withNano(0), image,
                        gated ? ",\"schedulingGates\":[{\"name\":\"" + GATE + "\"}]" : "").replace("\n", "");
    }

    static final String INDEX_2019 = """
            {"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "digest":"sha256:%s","size":1,"platform":{"os":"windows","architecture":"amd64","os.version":"10.0.17763.6659"}}]}"""
            .formatted("1".repeat(64));

    @Test
    void gatedPodsAreReleasedWithAHintOrAtTheDeadlineWithAnEvent() throws Exception {
        registry.serveIndex("/v2/win/iis/manifests/ltsc2019", INDEX_2019, 0);
        registry.serveIndex("/v2/win/slow/manifests/ltsc2019", INDEX_2019, 20_000);
        registry.serveStatus("/v2/win/gone/manifests/ltsc2019", 404);
        String list = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":["
                + pod("fast", registry.host() + "/win/iis:ltsc2019", true) + ","
                + pod("slow", registry.host() + "/win/slow:ltsc2019", true) + ","
                + pod("gone", registry.host() + "/win/gone:ltsc2019", true) + ","
                + pod("free", registry.host() + "/win/iis:ltsc2019", false) + "]}";
        api.server.stubFor(get(urlPathEqualTo("/api/v1/pods")).withQueryParam("watch", equalTo("false"))
                .withQueryParam("fieldSelector", equalTo("spec.nodeName=")).willReturn(ApiServerStub.json(list)));
        api.server.stubFor(get(urlPathEqualTo("/api/v1/pods")).withQueryParam("watch", equalTo("true"))
                .willReturn(ApiServerStub.json("").withFixedDelay(1000)));
        api.server.stubFor(patch(urlPathMatching("/api/v1/namespaces/default/pods/.*"))
                .willReturn(ApiServerStub.json(pod("patched", "x", false))));
        api.server.stubFor(post(urlPathEqualTo("/api/v1/namespaces/default/events"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"kind\":\"Event\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"e\"}}")));

        NodeSnapshot snapshot = NodeSnapshot.of(Map.of(
                "win2019-1", NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.17763.6659")),
                "win2022-1", NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.20348.2966")),
                "linux-1", NodePlatform.of("linux", "amd64", null)), true);
        OsfitProperties.AdmissionProperties properties = new OsfitProperties.AdmissionProperties(true, Duration.ofMillis(500),
                List.of("registry", "annotation"), 32, 0, "webhook", null, new OsfitProperties.GateProperties(true, Duration.ofSeconds(3)),
                List.of("kube-system"), false);
        PodCompiler compiler = new PodCompiler(List.of(registry.source(), new WindowsTagTable()), UnknownImagePolicy.ALLOW);
        Path dir = Files.createTempDirectory("osfit-gate-test");
        var client = ClusterAccess.apiClient(api.kubeconfig(dir).toString(), java.time.Duration.ofSeconds(30), WatchTracker.factory(new NodeIndex()));
        pods = new UnscheduledPods(client, java.time.Duration.ofMinutes(5));
        // The prefetch shares the watch, as in osfit.
        new PodPrefetcher(pods, registry.source(), 32);
        controller = new GateController(pods, client, compiler, new OsfitProperties.ScoringProperties(10, 9, 100, 1, 3, 6, 5, 5).toScoring(),
                () -> snapshot, properties);
        pods.start();
        controller.start();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(patches("fast")).hasSize(1));
        String fast = patches("fast").get(0).getBodyAsString();
        assertThat(fast).contains("{\"op\":\"test\",\"path\":\"/spec/schedulingGates/0/name\",\"value\":\"" + GATE + "\"}",
                "{\"op\":\"remove\",\"path\":\"/spec/schedulingGates/0\"}", "\"values\":[\"10.0.17763\"]",
                "hinted: windows/amd64 10.0.17763");
        assertThat(patches("slow")).as("before the deadline the slow pod stays gated").isEmpty();
        // The registry said no at once: nothing more will come, so the pod goes now, not at the deadline.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(patches("gone")).hasSize(1));
        assertThat(patches("slow")).as("still before the deadline").isEmpty();
        assertThat(patches("gone").get(0).getBodyAsString()).contains("{\"op\":\"remove\",\"path\":\"/spec/schedulingGates/0\"}",
                "unchanged: platforms of " + registry.host() + "/win/gone:ltsc2019 unknown").doesNotContain("nodeAffinity");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(patches("slow")).hasSize(1));
        String slow = patches("slow").get(0).getBodyAsString();
        // Whichever came last before the deadline: the budget's fallback (platforms unknown) or the deadline itself.
        assertThat(slow).contains("{\"op\":\"remove\",\"path\":\"/spec/schedulingGates/0\"}").doesNotContain("nodeAffinity")
                .containsPattern("unchanged: (platforms of " + registry.host() + "/win/slow:ltsc2019 unknown|image platforms not resolved within PT3S)");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(api.server.findAll(postRequestedFor(
                urlPathEqualTo("/api/v1/namespaces/default/events")))).hasSize(2));
        assertThat(api.server.findAll(postRequestedFor(urlPathEqualTo("/api/v1/namespaces/default/events"))))
                .extracting(LoggedRequest::getBodyAsString)
                .anySatisfy(e -> assertThat(e).contains("OsfitGateTimeout", "\"name\":\"slow\"", "Warning",
                        "osfit released the pod without placement hints after PT3S"))
                .anySatisfy(e -> assertThat(e).contains("\"name\":\"gone\"", "osfit released the pod without placement hints: platforms of"));

        Thread.sleep(1500); // a sweep or two more: nothing is patched twice, the ungated pod never
        assertThat(patches("fast")).hasSize(1);
        assertThat(patches("free")).isEmpty();
        assertThat(controller.lifted()).isEqualTo(3);
    }

    private List<LoggedRequest> patches(String pod) {
        return api.server.findAll(patchRequestedFor(urlPathEqualTo("/api/v1/namespaces/default/pods/" + pod)));
    }
}
