package dev.osfit.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.node.NodeLabels;
import dev.osfit.node.NodePlatform;
import dev.osfit.node.NodeSnapshot;
import dev.osfit.node.NodeSource;
import dev.osfit.platform.OsVersion;
import dev.osfit.registry.RegistryTestAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * AdmissionReview round trips on the example pod with registry-served images against the eight
 * example nodes: the patch is applied to the pod, and the nodes the patched pod admits are exactly
 * the nodes /filter passes for it, and never a node the original pod refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class AdmissionTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final RegistryTestAccess REGISTRY = new RegistryTestAccess();
    static final String UID = "705ab4f5-6393-11e8-b7cc-42010a800002";

    /** The example nodes (examples/*.json) with their labels, as the node index has them. */
    static final Map<String, Map<String, String>> NODES = new LinkedHashMap<>();

    static {
        node("linux-amd64-1", "linux", "amd64", null, "zone-a");
        node("linux-amd64-2", "linux", "amd64", null, "zone-b");
        node("linux-arm64-1", "linux", "arm64", null, "zone-a");
        node("win2019-1", "windows", "amd64", "10.0.17763.6659", "zone-a");
        node("win2019-2", "windows", "amd64", "10.0.17763.6659", "zone-b");
        node("win2022-1", "windows", "amd64", "10.0.20348.2966", "zone-a");
        node("win2022-2", "windows", "amd64", "10.0.20348.2966", "zone-b");
        node("win2025-1", "windows", "amd64", "10.0.26100.2605", "zone-a");
    }

    /** Labels as the kubelet sets them; the Windows build label has no revision, the index keeps it. */
    static void node(String name, String os, String arch, String version, String zone) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", name);
        labels.put(NodeLabels.OS, os);
        labels.put(NodeLabels.ARCH, arch);
        labels.put("topology.kubernetes.io/zone", zone);
        if (version != null) {
            labels.put(NodeLabels.WINDOWS_BUILD, OsVersion.parse(version).buildString());
            labels.put("revision", version);
        }
        NODES.put(name, labels);
    }

    static String index(String... platforms) {
        return RegistryTestAccess.ociIndex(platforms);
    }

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        REGISTRY.serveIndex("/v2/win/iis/manifests/ltsc2019", index("windows amd64 10.0.17763.6659"), 0);
        REGISTRY.serveIndex("/v2/win/servercore/manifests/ltsc2022", index("windows amd64 10.0.20348.2966"), 0);
        REGISTRY.serveIndex("/v2/library/nginx/manifests/1.27", index("linux amd64", "linux arm64"), 0);
        REGISTRY.serveIndex("/v2/win/slow/manifests/ltsc2022", index("windows amd64 10.0.20348.2966"), 3000);
        REGISTRY.serveStatus("/v2/team/unknown/manifests/1.0", 404);
        registry.add("osfit.registry.enabled", () -> "true");
        registry.add("osfit.registry.insecure", REGISTRY::host);
        registry.add("osfit.registry.allow", () -> "127.0.0.1");
        registry.add("osfit.registry.deny", () -> "mcr.microsoft.com");
    }

    @AfterAll
    static void stop() {
        REGISTRY.close();
    }

    @TestConfiguration
    static class Index {
        @Bean
        @Primary
        NodeSource exampleNodes() {
            Map<String, NodePlatform> platforms = new LinkedHashMap<>();
            NODES.forEach((name, labels) -> platforms.put(name, NodePlatform.of(labels.get(NodeLabels.OS), labels.get(NodeLabels.ARCH),
                    labels.containsKey("revision") ? OsVersion.parse(labels.get("revision")) : null)));
            NodeSnapshot snapshot = NodeSnapshot.of(platforms, true);
            return () -> snapshot;
        }
    }

    @Autowired
    WebTestClient client;

    /** The example pod with these images (and, if given, this affinity). */
    static ObjectNode pod(String name, List<String> images, String affinityJson) throws IOException {
        ObjectNode pod = (ObjectNode) JSON.readTree(Files.readString(Path.of("examples/ltsc2019-iis.json"))).get("Pod").deepCopy();
        ((ObjectNode) pod.get("metadata")).put("name", name);
        ArrayNode containers = ((ObjectNode) pod.get("spec")).putArray("containers");
        for (int i = 0; i < images.size(); i++) {
            containers.addObject().put("name", "c" + i).put("image", images.get(i));
        }
        if (affinityJson != null) {
            ((ObjectNode) pod.get("spec")).set("affinity", JSON.readTree(affinityJson));
        }
        return pod;
    }

    /** Sends the pod for review; returns the AdmissionReview's response. */
    JsonNode review(JsonNode pod, String operation) {
        return review(client, pod, operation);
    }

    static JsonNode review(WebTestClient client, JsonNode pod, String operation) {
        return review(client, pod, operation, "default");
    }

    static JsonNode review(WebTestClient client, JsonNode pod, String operation, String namespace) {
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", UID).put("operation", operation).put("namespace", namespace);
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.set("object", pod);
        request.put("dryRun", false);
        byte[] answer = client.post().uri(AdmissionRoutes.PODS).contentType(MediaType.APPLICATION_JSON).bodyValue(JSON.writeValueAsBytes(review))
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
        JsonNode out = JSON.readTree(answer);
        assertThat(out.get("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
        assertThat(out.get("kind").asString()).isEqualTo("AdmissionReview");
        assertThat(out.get("response").get("uid").asString()).isEqualTo(UID);
        assertThat(out.get("response").get("allowed").asBoolean()).as("osfit never rejects a pod").isTrue();
        return out.get("response");
    }

    /** The pod after the webhook's patch. */
    JsonNode admit(JsonNode pod) {
        return admit(client, pod);
    }

    static JsonNode admit(WebTestClient client, JsonNode pod) {
        JsonNode response = review(client, pod, "CREATE");
        assertThat(response.get("patchType").asString()).isEqualTo("JSONPatch");
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.get("patch").asString()));
        return JsonPatchForTests.apply(pod, patch);
    }

    /** The nodes /filter passes for this pod (the example request's full nodes). */
    Set<String> filterPasses(JsonNode pod) throws IOException {
        return filterPasses(client, pod);
    }

    static Set<String> filterPasses(WebTestClient client, JsonNode pod) throws IOException {
        ObjectNode args = (ObjectNode) JSON.readTree(Files.readString(Path.of("examples/ltsc2019-iis.json")));
        args.set("Pod", pod);
        JsonNode answer = JSON.readTree(client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(JSON.writeValueAsBytes(args))
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody());
        Set<String> out = new TreeSet<>();
        answer.get("Nodes").get("items").forEach(n -> out.add(n.get("metadata").get("name").asString()));
        return out;
    }

    static Set<String> admitted(JsonNode pod) {
        Set<String> out = new TreeSet<>();
        NODES.forEach((name, labels) -> {
            if (NodeAffinityForTests.requiredMatches(pod, labels)) {
                out.add(name);
            }
        });
        return out;
    }

    static String annotation(JsonNode pod) {
        return pod.get("metadata").get("annotations").get(AffinityPatch.ANNOTATION).asString();
    }

    static String image(String path) {
        return REGISTRY.host() + path;
    }

    @Test
    void aWindowsLtsc2019PodIsHintedToThe17763Nodes() throws IOException {
        JsonNode pod = pod("iis", List.of(image("/win/iis:ltsc2019")), null);
        JsonNode patched = admit(pod);
        assertThat(admitted(patched)).containsExactly("win2019-1", "win2019-2").isEqualTo(filterPasses(pod));
        assertThat(annotation(patched)).isEqualTo("hinted: windows/amd64 10.0.17763");
        assertThat(patched.get("spec").get("affinity").get("nodeAffinity").get("requiredDuringSchedulingIgnoredDuringExecution")
                .get("nodeSelectorTerms")).hasSize(1);
    }

    @Test
    void aWindowsLtsc2022PodIsHintedToTheNodesFilterPasses() throws IOException {
        JsonNode pod = pod("servercore", List.of(image("/win/servercore:ltsc2022")), null);
        JsonNode patched = admit(pod);
        assertThat(admitted(patched)).contains("win2022-1", "win2022-2").isEqualTo(filterPasses(pod));
    }

    @Test
    void aLinuxMultiArchPodIsHintedToEveryLinuxNodeInOneTerm() throws IOException {
        JsonNode pod = pod("nginx", List.of(image("/library/nginx:1.27")), null);
        JsonNode patched = admit(pod);
        assertThat(admitted(patched)).containsExactly("linux-amd64-1", "linux-amd64-2", "linux-arm64-1").isEqualTo(filterPasses(pod));
        assertThat(annotation(patched)).isEqualTo("hinted: linux/amd64|arm64");
    }

    @Test
    void aPodMixingLinuxAndWindowsImagesIsHeldPendingWithTheReasonAndAWarning() throws IOException {
        JsonNode pod = pod("mixed", List.of(image("/library/nginx:1.27"), image("/win/iis:ltsc2019")), null);
        JsonNode response = review(pod, "CREATE");
        JsonNode patched = JsonPatchForTests.apply(pod, JSON.readTree(Base64.getDecoder().decode(response.get("patch").asString())));
        assertThat(admitted(patched)).as("no node satisfies the term osfit adds").isEmpty();
        assertThat(annotation(patched)).startsWith("blocked: pod's images need conflicting platforms {").contains("linux").contains("windows");
        assertThat(response.get("warnings").values()).extracting(JsonNode::asString).singleElement().asString()
                .startsWith("osfit: no node can run this pod: pod's images need conflicting platforms {");
        assertThat(response.get("warnings").get(0).asString().length()).isLessThanOrEqualTo(PodHints.MAX_WARNING);
    }

    @Test
    void aConflictingPodsOwnTermsAreEachNarrowedToNoNode() throws IOException {
        String affinity = """
                {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
                  {"matchExpressions":[{"key":"topology.kubernetes.io/zone","operator":"In","values":["zone-a"]}]},
                  {"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["win2019-2"]}]}]}}}""";
        JsonNode patched = admit(pod("mixed-terms", List.of(image("/library/nginx:1.27"), image("/win/iis:ltsc2019")), affinity));
        JsonNode terms = patched.get("spec").get("affinity").get("nodeAffinity").get("requiredDuringSchedulingIgnoredDuringExecution")
                .get("nodeSelectorTerms");
        assertThat(terms).hasSize(2);
        assertThat(admitted(patched)).isEmpty();
    }

    @Test
    void aPodNoIndexedNodeCanRunIsLeftUnchangedWithAWarning() throws IOException {
        ObjectNode pod = pod("future", List.of(image("/team/unknown:1.0")), null);
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put("osfit.dev/image-platforms", "* windows(10.0.26200)/amd64");
        JsonNode response = review(pod, "CREATE");
        JsonNode patched = JsonPatchForTests.apply(pod, JSON.readTree(Base64.getDecoder().decode(response.get("patch").asString())));
        assertThat(patched.get("spec").has("affinity")).isFalse();
        assertThat(annotation(patched)).isEqualTo("unchanged: " + HintPlanner.NO_NODE);
        assertThat(response.get("warnings").get(0).asString())
                .isEqualTo("osfit: " + HintPlanner.NO_NODE + " {" + image("/team/unknown:1.0") + ": windows(10.0.26200)/amd64}");
    }

    @ParameterizedTest(name = "required node affinity {0} is invalid: the pod is left for the API server to reject")
    @ValueSource(strings = {"{}", "{\"nodeSelectorTerms\":null}", "{\"nodeSelectorTerms\":[]}", "{\"nodeSelectorTerms\":[null]}"})
    void anInvalidRequiredAffinityIsNeverMadeValid(String required) throws IOException {
        JsonNode pod = pod("invalid", List.of(image("/win/iis:ltsc2019")),
                "{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":" + required + "}}");
        JsonNode patched = admit(pod);
        assertThat(patched.get("spec").get("affinity")).isEqualTo(pod.get("spec").get("affinity"));
        assertThat(annotation(patched)).startsWith("unchanged: ").contains("the API server rejects it");
    }

    @Test
    void anAdmissionReviewOver256KiBIsAnswered() throws IOException {
        // A pod with 300 KB of annotations: legal in the API server, past the codecs' default 256 KiB.
        ObjectNode pod = pod("big", List.of(image("/win/iis:ltsc2019")), null);
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put("example.com/blob", "x".repeat(300_000));
        JsonNode patched = admit(pod);
        assertThat(admitted(patched)).containsExactly("win2019-1", "win2019-2");
    }

    @Test
    void aHugeUidIsBadInputNot500() throws IOException {
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", "u".repeat(1_000_000)).put("operation", "CREATE").put("namespace", "default");
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.set("object", pod("uid", List.of(image("/win/iis:ltsc2019")), null));
        client.post().uri(AdmissionRoutes.PODS).contentType(MediaType.APPLICATION_JSON).bodyValue(JSON.writeValueAsBytes(review))
                .exchange().expectStatus().isBadRequest();
    }

    @Test
    void anAdmissionReviewOverTheRequestLimitIs413() {
        byte[] huge = new byte[65 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        client.post().uri(AdmissionRoutes.PODS).contentType(MediaType.APPLICATION_JSON).bodyValue(huge)
                .exchange().expectStatus().isEqualTo(413);
    }

    @Test
    void aHintedPodGetsNoWarning() throws IOException {
        assertThat(review(pod("quiet", List.of(image("/win/iis:ltsc2019")), null), "CREATE").has("warnings")).isFalse();
    }

    @Test
    void existingTermsAreEachNarrowedNeverWidened() throws IOException {
        // Zone a, or one of two named hosts: the hint keeps both alternatives and narrows each.
        String affinity = """
                {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
                  {"matchExpressions":[{"key":"topology.kubernetes.io/zone","operator":"In","values":["zone-a"]}]},
                  {"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["win2019-2","linux-amd64-2"]}]}]},
                 "preferredDuringSchedulingIgnoredDuringExecution":[{"weight":1,"preference":{"matchExpressions":[
                  {"key":"topology.kubernetes.io/zone","operator":"In","values":["zone-b"]}]}}]},
                 "podAntiAffinity":{}}""";
        JsonNode pod = pod("constrained", List.of(image("/win/iis:ltsc2019")), affinity);
        Set<String> before = admitted(pod);
        JsonNode patched = admit(pod);
        Set<String> expected = new TreeSet<>(before);
        expected.retainAll(filterPasses(pod));
        assertThat(admitted(patched)).containsExactly("win2019-1", "win2019-2").isEqualTo(expected);
        assertThat(before).containsAll(admitted(patched));
        JsonNode nodeAffinity = patched.get("spec").get("affinity").get("nodeAffinity");
        assertThat(nodeAffinity.get("requiredDuringSchedulingIgnoredDuringExecution").get("nodeSelectorTerms")).hasSize(2);
        assertThat(nodeAffinity.get("preferredDuringSchedulingIgnoredDuringExecution")).as("left alone")
                .isEqualTo(pod.get("spec").get("affinity").get("nodeAffinity").get("preferredDuringSchedulingIgnoredDuringExecution"));
        assertThat(patched.get("spec").get("affinity").has("podAntiAffinity")).isTrue();
    }

    @Test
    void anAlreadyConstrainedPodKeepsItsSelectorAndAdmitsTheSameNodesAsFilter() throws IOException {
        ObjectNode pod = pod("selected", List.of(image("/win/iis:ltsc2019")), null);
        ((ObjectNode) pod.get("spec")).putObject("nodeSelector").put(NodeLabels.OS, "windows");
        JsonNode patched = admit(pod);
        assertThat(patched.get("spec").get("nodeSelector")).isEqualTo(pod.get("spec").get("nodeSelector"));
        assertThat(admitted(patched)).isEqualTo(filterPasses(pod));
    }

    @Test
    void aPodWithAnImageNoSourceKnowsIsLeftUnchanged() throws IOException {
        JsonNode patched = admit(pod("unknown", List.of(image("/team/unknown:1.0")), null));
        assertThat(patched.get("spec").has("affinity")).isFalse();
        assertThat(annotation(patched)).isEqualTo("unchanged: " + String.format(HintPlanner.UNKNOWN_IMAGES, image("/team/unknown:1.0")));
    }

    @Test
    void anImageKnownOnlyFromItsWindowsTagIsNotCertain() throws IOException {
        // The registry may not be asked (osfit.registry.deny), so only the tag table knows the image.
        String iis = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019";
        JsonNode patched = admit(pod("guess", List.of(iis), null));
        assertThat(patched.get("spec").has("affinity")).isFalse();
        assertThat(annotation(patched)).isEqualTo("unchanged: " + String.format(HintPlanner.NOT_CERTAIN, iis, "windows-tag"));
    }

    @Test
    void thePodsOwnPlatformAnnotationIsCertain() throws IOException {
        ObjectNode pod = pod("annotated", List.of(image("/team/unknown:1.0")), null);
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put("osfit.dev/image-platforms", "* windows(10.0.20348)/amd64");
        JsonNode patched = admit(pod);
        assertThat(admitted(patched)).isEqualTo(filterPasses(pod)).contains("win2022-1");
        assertThat(patched.get("metadata").get("annotations").get("osfit.dev/image-platforms").asString()).as("kept")
                .isEqualTo("* windows(10.0.20348)/amd64");
    }

    @Test
    void aRegistrySlowerThanTheAdmissionBudgetLeavesThePodUnchanged() throws IOException {
        long start = System.nanoTime();
        JsonNode patched = admit(pod("slow", List.of(image("/win/slow:ltsc2022")), null));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(patched.get("spec").has("affinity")).isFalse();
        assertThat(annotation(patched)).isEqualTo("unchanged: " + String.format(AdmissionHandler.NOT_RESOLVED, "PT0.5S"));
        assertThat(millis).as("answered at the budget, not after the registry's 3 s").isLessThan(2500);
    }

    @Test
    void aHintThatWouldMultiplyThePodsTermsBeyondTheLimitIsNotWritten() throws IOException {
        StringBuilder terms = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            terms.append(i == 0 ? "" : ",").append("{\"matchExpressions\":[{\"key\":\"kubernetes.io/hostname\",\"operator\":\"In\",\"values\":[\"n")
                    .append(i).append("\"]}]}");
        }
        JsonNode pod = pod("many-terms", List.of(image("/win/iis:ltsc2019")),
                "{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[" + terms + "]}}}");
        JsonNode patched = admit(pod);
        assertThat(patched.get("spec").get("affinity")).isEqualTo(pod.get("spec").get("affinity"));
        assertThat(annotation(patched)).isEqualTo("unchanged: " + String.format(PodHints.TOO_MANY_TERMS, 33, 32));
    }

    @Test
    void aPodThatOptsOutIsNotTouched() throws IOException {
        ObjectNode pod = pod("opted-out", List.of(image("/win/iis:ltsc2019")), null);
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put(AdmissionHandler.OPT_OUT, "off");
        assertThat(review(pod, "CREATE").has("patch")).isFalse();
    }

    @Test
    void kubeSystemIsNeverChangedWhateverTheWebhookConfigurationSends() throws IOException {
        assertThat(review(client, pod("system", List.of(image("/win/iis:ltsc2019")), null), "CREATE", "kube-system").has("patch")).isFalse();
    }

    @Test
    void onlyCreateIsMutated() throws IOException {
        assertThat(review(pod("updated", List.of(image("/win/iis:ltsc2019")), null), "UPDATE").has("patch")).isFalse();
    }

    @Test
    void decisionsAndLatencyAreExposed() throws IOException {
        admit(pod("counted", List.of(image("/win/iis:ltsc2019")), null));
        String prometheus = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(prometheus).containsPattern("osfit_admission_decisions_total\\{outcome=\"hinted\"} [1-9]")
                .containsPattern("osfit_admission_seconds_count [1-9]").contains("osfit_admission_seconds_bucket{le=");
    }

    @Test
    void somethingThatIsNotAnAdmissionReviewIsABadRequest() {
        client.post().uri(AdmissionRoutes.PODS).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"kind\":\"Pod\"}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.Error").isEqualTo("expected an AdmissionReview admission.k8s.io/v1 with request.uid");
        client.post().uri(AdmissionRoutes.PODS).contentType(MediaType.APPLICATION_JSON).bodyValue("{")
                .exchange().expectStatus().isBadRequest();
    }
}
