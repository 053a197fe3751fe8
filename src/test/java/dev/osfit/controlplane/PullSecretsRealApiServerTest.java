package dev.osfit.controlplane;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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
 * Pull secrets as the kubelet uses them, with the real API server: osfit runs as its ServiceAccount
 * with the base RBAC plus manifests/components/pull-secrets, watches the docker-type Secrets and the
 * ServiceAccounts, and a registry that wants a token (WireMock: a Bearer challenge, and a token service
 * that gives tokens only for the secrets' credentials) answers osfit with the pod's own pull secret, or its
 * service account's; a pod with neither gets the fallback.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "osfit.nodes.source=cluster", "osfit.registry.enabled=true", "osfit.registry.pull-secrets=true",
        "osfit.registry.request-budget=3s", "osfit.registry.prefetch=false", "osfit.registry.allow=127.0.0.1"})
@AutoConfigureWebTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PullSecretsRealApiServerTest {

    static final WireMockServer REGISTRY = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    static final String NAMESPACE = "pull-secrets";
    static final String INDEX = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1,
              "platform":{"architecture":"amd64","os":"windows","os.version":"10.0.26100.2605"}}]}""".formatted("5".repeat(64));

    static String host() {
        return "127.0.0.1:" + REGISTRY.port();
    }

    static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        REGISTRY.start();
        // A registry that wants a token, and a token service that gives one only for the pull secrets' credentials.
        REGISTRY.stubFor(get(urlPathMatching("/v2/.*/manifests/.*")).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate",
                        "Bearer realm=\"http://" + host() + "/token\",service=\"private\"")));
        REGISTRY.stubFor(get(urlPathMatching("/token")).willReturn(aResponse().withStatus(401)));
        for (String user : List.of("pod-user", "sa-user")) {
            REGISTRY.stubFor(get(urlPathMatching("/token")).withHeader("Authorization", equalTo("Basic " + basic(user, "s3cret")))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"token\":\"token-of-" + user + "\",\"expires_in\":300}")));
            REGISTRY.stubFor(get(urlPathMatching("/v2/team/.*/manifests/.*")).withHeader("Authorization", equalTo("Bearer token-of-" + user))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/vnd.oci.image.index.v1+json").withBody(INDEX)));
        }
        ControlPlane plane = ControlPlane.shared();
        Kube kube = plane.kube();
        kube.node("pull-win2025", "windows", "amd64", "10.0.26100.2605");
        kube.node("pull-win2022", "windows", "amd64", "10.0.20348.2966");
        kube.namespace(NAMESPACE);
        secret(kube, "pod-cred", "kubernetes.io/dockerconfigjson", ".dockerconfigjson",
                "{\"auths\":{\"" + host() + "\":{\"auth\":\"" + basic("pod-user", "s3cret") + "\"}}}");
        // The older format, as `kubectl create secret` no longer writes it but clusters still hold it.
        secret(kube, "sa-cred", "kubernetes.io/dockercfg", ".dockercfg",
                "{\"" + host() + "/team\":{\"username\":\"sa-user\",\"password\":\"s3cret\"}}");
        Kube.Answer sa = kube.create("/api/v1/namespaces/" + NAMESPACE + "/serviceaccounts", Map.of("metadata", Map.of("name", "builder"),
                "imagePullSecrets", List.of(Map.of("name", "sa-cred"))));
        assertThat(sa.status()).isIn(201, 409);
        registry.add("osfit.registry.insecure", PullSecretsRealApiServerTest::host);
        registry.add("osfit.nodes.kubeconfig", () -> plane.osfitKubeconfig("manifests/components/pull-secrets/rbac-pull-secrets.yaml").toString());
    }

    static void secret(Kube kube, String name, String type, String key, String json) {
        Kube.Answer a = kube.create("/api/v1/namespaces/" + NAMESPACE + "/secrets", Map.of("metadata", Map.of("name", name), "type", type,
                "data", Map.of(key, Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)))));
        assertThat(a.status()).isIn(201, 409);
    }

    @AfterAll
    static void stop() {
        REGISTRY.stop();
    }

    @Autowired
    WebTestClient client;

    @Test
    void thePodsOwnPullSecretOpensTheRegistry() {
        String image = host() + "/team/app:1";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(passed(image, "\"imagePullSecrets\":[{\"name\":\"pod-cred\"}],")).containsExactly("pull-win2025"));
        REGISTRY.verify(getRequestedFor(urlPathMatching("/token")).withHeader("Authorization", equalTo("Basic " + basic("pod-user", "s3cret"))));
        REGISTRY.verify(getRequestedFor(urlPathMatching("/v2/team/app/manifests/1")).withHeader("Authorization", equalTo("Bearer token-of-pod-user")));
    }

    @Test
    void withoutPullSecretsTheServiceAccountsAreUsed() {
        String image = host() + "/team/sa-app:1";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(passed(image, "\"serviceAccountName\":\"builder\",")).containsExactly("pull-win2025"));
    }

    @Test
    void aPodWithNeitherGetsTheFallbackAndTheReason() {
        String image = host() + "/team/nobody:1";
        // Unknown platforms under the default policy: every node passes, and /explain says the registry refused.
        assertThat(passed(image, "")).containsExactly("pull-win2025", "pull-win2022");
        String explained = client.post().uri("/explain?format=text").header("Content-Type", "application/json").bodyValue(body(image, ""))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(explained).contains("registry lookup failed for " + image + ": unauthorized");
    }

    private List<String> passed(String image, String specExtra) {
        byte[] out = client.post().uri("/filter").header("Content-Type", "application/json").bodyValue(body(image, specExtra))
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
        JsonNode answer = Kube.JSON.readTree(out);
        return answer.path("NodeNames").values().stream().map(JsonNode::asString).toList();
    }

    private static String body(String image, String specExtra) {
        return "{\"Pod\":{\"metadata\":{\"name\":\"probe\",\"namespace\":\"" + NAMESPACE + "\"},\"spec\":{" + specExtra
                + "\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]}},\"NodeNames\":[\"pull-win2025\",\"pull-win2022\"]}";
    }
}
