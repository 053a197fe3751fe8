package dev.osfit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osfit.image.PullContext;
import dev.osfit.match.PodFacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PodReaderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Arguments> fields() {
        return Stream.of(
                field("the identity comes from metadata", "{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"uid\":\"u-1\"}}",
                        p -> List.of(p.name(), p.namespace(), p.uid()), List.of("web", "shop", "u-1")),
                field("only osfit's own annotation is kept", "{\"metadata\":{\"annotations\":{\"a\":\"b\",\"osfit.dev/image-platforms\":\"x=linux/amd64\"}}}",
                        PodFacts::platformAnnotation, "x=linux/amd64"),
                field("init containers come first whatever the order of the fields",
                        "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}],\"initContainers\":[{\"name\":\"i\",\"image\":\"busybox\"}]}}",
                        p -> p.containers().stream().map(c -> c.name() + "=" + c.image() + (c.init() ? " init" : "")).toList(),
                        List.of("i=busybox init", "c=nginx")),
                field("a privileged container is seen", "{\"spec\":{\"containers\":[{\"securityContext\":{\"privileged\":true}}]}}",
                        p -> p.containers().get(0).privileged(), true),
                field("a host-process container is seen",
                        "{\"spec\":{\"containers\":[{\"securityContext\":{\"windowsOptions\":{\"hostProcess\":true}}}]}}",
                        p -> p.containers().get(0).hostProcess(), true),
                field("a hugepages limit or request is seen, whatever its value",
                        "{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":1,\"hugepages-2Mi\":{\"odd\":[]}}}}]}}",
                        p -> p.containers().get(0).hugepages(), true),
                field("mount propagation other than None is seen",
                        "{\"spec\":{\"containers\":[{\"volumeMounts\":[{\"mountPropagation\":\"None\"},{\"mountPropagation\":\"HostToContainer\"}]}]}}",
                        p -> p.containers().get(0).mountPropagation(), true),
                field("mount propagation None is not", "{\"spec\":{\"containers\":[{\"volumeMounts\":[{\"mountPropagation\":\"None\"}]}]}}",
                        p -> p.containers().get(0).mountPropagation(), false),
                field("a memory-backed emptyDir is seen", "{\"spec\":{\"volumes\":[{\"hostPath\":{}},{\"emptyDir\":{\"medium\":\"Memory\"}}]}}",
                        PodFacts::memoryEmptyDir, true),
                field("the pod's host-process setting is seen", "{\"spec\":{\"securityContext\":{\"windowsOptions\":{\"hostProcess\":true}}}}",
                        PodFacts::podHostProcess, true),
                field("host namespaces are seen", "{\"spec\":{\"hostPID\":true,\"hostIPC\":true}}",
                        p -> List.of(p.hostPID(), p.hostIPC()), List.of(true, true)),
                field("the OS, selector, RuntimeClass, scheduler and service account are read",
                        "{\"spec\":{\"os\":{\"name\":\"windows\"},\"nodeSelector\":{\"kubernetes.io/arch\":\"amd64\"},\"runtimeClassName\":\"rc\","
                                + "\"schedulerName\":\"s\",\"serviceAccountName\":\"sa\"}}",
                        p -> List.of(p.osName(), p.nodeSelector(), p.runtimeClassName(), p.schedulerName(), p.serviceAccountName()),
                        List.of("windows", Map.of("kubernetes.io/arch", "amd64"), "rc", "s", "sa")),
                field("required node affinity keeps its terms, an empty term included, and drops requirements without a key",
                        "{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":["
                                + "{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]},{\"operator\":\"Exists\"}]},"
                                + "{},null,{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"n\"]}]}]}}}}}",
                        PodFacts::requiredTerms,
                        List.of(List.of(new PodFacts.Requirement("k", "In", List.of("a", "b"))), List.of(), List.of(), List.of())),
                field("null is a field's absence", "{\"metadata\":null,\"spec\":{\"containers\":[null,{\"image\":null}],\"hostPID\":null,\"os\":null}}",
                        p -> List.of(p.containers().size(), String.valueOf(p.containers().get(0).image()), p.hostPID(), String.valueOf(p.osName())),
                        List.of(1, "null", false, "null")),
                field("a null selector value or requirement value is empty, as Go decodes it",
                        "{\"spec\":{\"nodeSelector\":{\"kubernetes.io/os\":null},\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
                                + "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"In\",\"values\":[null]}]}]}}}}}",
                        p -> List.of(p.nodeSelector(), p.requiredTerms().get(0).get(0).values()),
                        List.of(Map.of("kubernetes.io/os", ""), List.of(""))),
                field("pull secrets are cut at PullContext's limit",
                        "{\"spec\":{\"imagePullSecrets\":[" + String.join(",", java.util.Collections.nCopies(40, "{\"name\":\"s\"}")) + ",{}]}}",
                        p -> p.imagePullSecrets().size(), PullContext.MAX_SECRETS),
                field("fields osfit does not read are skipped, whatever they hold",
                        "{\"status\":{\"phase\":[1,{\"a\":null}]},\"spec\":{\"containers\":[{\"image\":\"nginx\",\"env\":[{\"name\":5}]}],\"tolerations\":7}}",
                        p -> p.containers().get(0).image(), "nginx"));
    }

    private static Arguments field(String name, String pod, Function<PodFacts, Object> read, Object expected) {
        return Arguments.of(name, pod, read, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fields")
    void eachFieldIsReadAlikeFromBytesATreeAndARequest(String name, String pod, Function<PodFacts, Object> read, Object expected) {
        PodFacts fromBytes = PodReader.fromBytes(utf8(pod));
        assertThat(read.apply(fromBytes)).isEqualTo(expected);
        assertThat(PodReader.fromTree(JSON.readTree(pod))).isEqualTo(fromBytes);
        assertThat(inRequest(pod)).isEqualTo(fromBytes);
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("{\"spec\":{\"containers\":{}}}", "pod.spec.containers: expected an array, found an object"),
                Arguments.of("{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"image\":5}]}}", "pod.spec.containers[1].image: expected a string, found a number"),
                Arguments.of("{\"spec\":{\"containers\":[7]}}", "pod.spec.containers[0]: expected an object, found a number"),
                Arguments.of("{\"spec\":{\"hostPID\":\"yes\"}}", "pod.spec.hostPID: expected a boolean, found a string"),
                Arguments.of("{\"metadata\":{\"annotations\":{\"note\":{\"nested\":1}}}}",
                        "pod.metadata.annotations.note: expected a string, found an object"),
                Arguments.of("{\"spec\":{\"nodeSelector\":{\"kubernetes.io/os\":1}}}", "pod.spec.nodeSelector.kubernetes.io/os: expected a string, found a number"),
                Arguments.of("{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":"
                        + "[{\"matchExpressions\":[{\"key\":\"k\",\"values\":[\"a\",true]}]}]}}}}}",
                        "pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[1]:"
                                + " expected a string, found a boolean"),
                Arguments.of("{\"spec\":{\"containers\":[{\"resources\":{\"limits\":[]}}]}}", "pod.spec.containers[0].resources.limits: expected an object, found an array"),
                Arguments.of("{\"spec\":\"none\"}", "pod.spec: expected an object, found a string"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("wrongTypes")
    void aFieldOfTheWrongTypeIsBadInputNamedByItsPath(String pod, String message) {
        assertThatThrownBy(() -> PodReader.fromBytes(utf8(pod))).isInstanceOf(BadRequestException.class).hasMessage(message);
        assertThatThrownBy(() -> PodReader.fromTree(JSON.readTree(pod))).isInstanceOf(BadRequestException.class).hasMessage(message);
    }

    @Test
    void inARequestThePathStartsAtThePodsOwnName() {
        assertThatThrownBy(() -> inRequest("{\"spec\":{\"containers\":[{\"image\":5}]}}"))
                .isInstanceOf(BadRequestException.class).hasMessage("Pod.spec.containers[0].image: expected a string, found a number");
    }

    @Test
    void aPodThatIsNotAnObjectIsBadInput() {
        assertThatThrownBy(() -> PodReader.fromBytes(utf8("[]"))).hasMessage("pod: expected an object, found an array");
        assertThatThrownBy(() -> PodReader.fromTree(JSON.readTree("[]"))).hasMessage("pod: expected an object");
    }

    @Test
    void aPodCutShortIsMalformed() {
        assertThatThrownBy(() -> PodReader.fromBytes(utf8("{\"spec\":{\"containers\":[{\"image\":\"ngi"))).isInstanceOf(BadRequestException.class)
                .hasMessageStartingWith("malformed JSON");
    }

    @Test
    void everyRecordedPodReadsAlikeFromBytesATreeAndARequest() throws IOException {
        List<JsonNode> pods = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/kube-scheduler/v1.32.5"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode n = JSON.readTree(Files.readString(f));
                if (n.path("Pod").isObject()) {
                    pods.add(n.get("Pod"));
                }
            }
        }
        assertThat(pods).hasSizeGreaterThan(10);
        for (JsonNode pod : pods) {
            String text = JSON.writeValueAsString(pod);
            PodFacts facts = PodReader.fromTree(pod);
            assertThat(facts.containers()).isNotEmpty();
            assertThat(facts.name()).isNotNull();
            assertThat(PodReader.fromBytes(utf8(text))).isEqualTo(facts);
            assertThat(inRequest(text)).isEqualTo(facts);
        }
    }

    /** The pod as an extender request carries it, read from the parser there. */
    private static PodFacts inRequest(String pod) {
        try (JsonParser p = PodReader.parser(utf8("{\"Pod\":" + pod + ",\"NodeNames\":[]}"))) {
            p.nextToken();
            p.nextToken();
            p.nextToken();
            PodFacts facts = PodReader.read(p, "Pod");
            assertThat(p.nextToken()).hasToString("PROPERTY_NAME"); // the reader stopped at the pod's end
            return facts;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
