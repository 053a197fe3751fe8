package dev.osfit.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;

import dev.osfit.node.NodeIndex;
import dev.osfit.registry.RegistryTestAccess;
import dev.osfit.registry.RegistrySource;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods not yet scheduled have their images looked up before anyone asks. */
class PodPrefetcherTest {

    @TempDir
    Path dir;

    final ApiServerStub api = new ApiServerStub();
    final RegistryTestAccess registry = new RegistryTestAccess();
    UnscheduledPods pods;

    @AfterEach
    void stop() {
        if (pods != null) {
            pods.stop();
        }
        registry.close();
        api.close();
    }

    static String pod(String name, String image) {
        return "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"uid\":\"u-" + name
                + "\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\",\"env\":[{\"name\":\"A\",\"value\":\"b\"}]}]},"
                + "\"status\":{\"phase\":\"Pending\"}}";
    }

    @Test
    void theImagesOfPendingPodsAreResolvedWithoutAFilterCall() {
        String listed = registry.host() + "/team/listed:1";
        String added = registry.host() + "/team/added:2";
        registry.serveIndex("/v2/team/listed/manifests/1");
        registry.serveIndex("/v2/team/added/manifests/2");
        api.server.stubFor(get(urlPathEqualTo("/api/v1/pods")).withQueryParam("watch", equalTo("false"))
                .withQueryParam("fieldSelector", equalTo("spec.nodeName="))
                .willReturn(ApiServerStub.json("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"5\"},\"items\":["
                        + pod("listed", listed) + "]}")));
        api.server.stubFor(get(urlPathEqualTo("/api/v1/pods")).withQueryParam("watch", equalTo("true"))
                .willReturn(ApiServerStub.events(ApiServerStub.event("ADDED", pod("added", added))).withFixedDelay(200)));
        RegistrySource source = registry.source();
        pods = new UnscheduledPods(ClusterAccess.apiClient(api.kubeconfig(dir).toString(), java.time.Duration.ofSeconds(30),
                WatchTracker.factory(new NodeIndex())), java.time.Duration.ofMinutes(5));
        new PodPrefetcher(pods, source, 32);
        pods.start();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            registry.verifyRequested("/v2/team/listed/manifests/1");
            registry.verifyRequested("/v2/team/added/manifests/2");
        });
    }

    @Test
    void aPodListTheApiServerRefusesIsCountedAndRetried() {
        String listed = registry.host() + "/team/listed:1";
        registry.serveIndex("/v2/team/listed/manifests/1");
        // RBAC without list on pods: 403 first, then the list.
        api.server.stubFor(get(urlPathEqualTo("/api/v1/pods")).withQueryParam("watch", equalTo("false"))
                .inScenario("rbac").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("granted").willReturn(ApiServerStub.status(403)));
        api.server.stubFor(get(urlPathEqualTo("/api/v1/pods")).withQueryParam("watch", equalTo("false"))
                .inScenario("rbac").whenScenarioStateIs("granted")
                .willReturn(ApiServerStub.json("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"5\"},\"items\":["
                        + pod("listed", listed) + "]}")));
        api.server.stubFor(get(urlPathEqualTo("/api/v1/pods")).withQueryParam("watch", equalTo("true")).willReturn(ApiServerStub.idle()));
        RegistrySource source = registry.source();
        pods = new UnscheduledPods(ClusterAccess.apiClient(api.kubeconfig(dir).toString(), Duration.ofSeconds(30),
                WatchTracker.factory(new NodeIndex())), Duration.ofMinutes(5));
        new PodPrefetcher(pods, source, 32);
        pods.start();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> registry.verifyRequested("/v2/team/listed/manifests/1"));
        org.assertj.core.api.Assertions.assertThat(pods.failures()).isEqualTo(1);
    }
}
