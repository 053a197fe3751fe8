package dev.osfit.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.admission.HintPlanner.Hint;
import dev.osfit.admission.HintPlanner.Requirement;
import dev.osfit.admission.HintPlanner.Term;
import dev.osfit.node.NodeLabels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The patch a hint becomes, applied to pods of every shape of node affinity, without Spring: which of
 * four nodes the patched pod admits (node affinity as component-helpers evaluates it), and that nothing
 * the pod refused before is ever admitted after.
 */
class AffinityPatchTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final AffinityPatch PATCHES = new AffinityPatch(JSON);

    static final Map<String, Map<String, String>> NODES = Map.of(
            "win2019-a", Map.of(NodeLabels.OS, "windows", NodeLabels.ARCH, "amd64", NodeLabels.WINDOWS_BUILD, "10.0.17763", "zone", "a"),
            "win2019-b", Map.of(NodeLabels.OS, "windows", NodeLabels.ARCH, "amd64", NodeLabels.WINDOWS_BUILD, "10.0.17763", "zone", "b"),
            "win2022-a", Map.of(NodeLabels.OS, "windows", NodeLabels.ARCH, "amd64", NodeLabels.WINDOWS_BUILD, "10.0.20348", "zone", "a"),
            "linux-a", Map.of(NodeLabels.OS, "linux", NodeLabels.ARCH, "amd64", "zone", "a"));

    static final Hint WIN2019 = new Hint(List.of(new Term(List.of(Requirement.in(NodeLabels.OS, List.of("windows")),
            Requirement.in(NodeLabels.WINDOWS_BUILD, List.of("10.0.17763"))))), "windows 10.0.17763", 0);
    static final Hint BLOCK = new Hint(List.of(HintPlanner.NO_NODE_TERM), "none", 0);

    static final String ZONE_A_OR_LINUX = """
            {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]},
              {"matchExpressions":[{"key":"kubernetes.io/os","operator":"In","values":["linux"]}]}]}}}""";
    static final String PREFERRED_ONLY = """
            {"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":1,"preference":{"matchExpressions":[
              {"key":"zone","operator":"In","values":["b"]}]}}]}}""";

    static List<Arguments> cases() {
        return List.of(
                Arguments.of("a pod without affinity gets the hint as its only term", null, null, WIN2019, List.of("win2019-a", "win2019-b")),
                Arguments.of("a pod with only pod affinity keeps it and gains node affinity", """
                        {"podAffinity":{}}""", Map.of("a", "b"), WIN2019, List.of("win2019-a", "win2019-b")),
                Arguments.of("a pod with only preferred terms gains required ones", PREFERRED_ONLY, null, WIN2019,
                        List.of("win2019-a", "win2019-b")),
                Arguments.of("each of a pod's own terms is narrowed, never widened", ZONE_A_OR_LINUX, null, WIN2019, List.of("win2019-a")),
                Arguments.of("a block admits no node at all", null, null, BLOCK, List.of()),
                Arguments.of("an empty term matches no node and still matches none", """
                        {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{}]}}}""", null, WIN2019,
                        List.of()),
                Arguments.of("a term with empty expressions stays empty beside a term that is narrowed", """
                        {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[]},
                          {"matchExpressions":[{"key":"zone","operator":"In","values":["b"]}]}]}}}""", null, WIN2019, List.of("win2019-b")),
                Arguments.of("a block narrows each of a pod's own terms to no node", ZONE_A_OR_LINUX, Map.of("a", "b"), BLOCK, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thePatchedPodAdmitsExactlyTheseNodes(String name, String affinity, Map<String, String> annotations, Hint hint,
                                              List<String> admitted) {
        StringBuilder pod = new StringBuilder("{\"metadata\":{\"name\":\"p\"");
        if (annotations != null) {
            pod.append(",\"annotations\":").append(JSON.writeValueAsString(annotations));
        }
        pod.append("},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]");
        if (affinity != null) {
            pod.append(",\"affinity\":").append(affinity);
        }
        JsonNode before = JSON.readTree(pod.append("}}").toString());

        JsonNode after = JsonPatchForTests.apply(before, PATCHES.hint(before, hint, "hinted: " + hint.summary()));

        List<String> now = NODES.keySet().stream().filter(n -> NodeAffinityForTests.requiredMatches(after, NODES.get(n))).sorted().toList();
        assertThat(now).isEqualTo(admitted);
        assertThat(NODES.keySet().stream().filter(n -> !NodeAffinityForTests.requiredMatches(before, NODES.get(n))))
                .as("refused before, refused after").noneMatch(now::contains);
        assertThat(after.path("metadata").path("annotations").path(AffinityPatch.ANNOTATION).asString()).isEqualTo("hinted: " + hint.summary());
        if (annotations != null) {
            assertThat(after.path("metadata").path("annotations").path("a").asString()).as("other annotations kept").isEqualTo("b");
        }
        if (affinity != null && affinity.contains("preferred")) {
            assertThat(after.path("spec").path("affinity").path("nodeAffinity").has("preferredDuringSchedulingIgnoredDuringExecution")).isTrue();
        }
        if (affinity != null && affinity.contains("podAffinity")) {
            assertThat(after.path("spec").path("affinity").has("podAffinity")).isTrue();
        }
    }
}
