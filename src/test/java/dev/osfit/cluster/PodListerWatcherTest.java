package dev.osfit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.Watch;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A watch event read by the streaming reader is the pod client-java's decoding would give after the
 * informer's transform, and what the reader does not take is left to client-java, whole.
 */
class PodListerWatcherTest {

    private static final Type EVENT = com.google.gson.reflect.TypeToken.getParameterized(Watch.Response.class, V1Pod.class).getType();

    /** The informer's client decodes with osfit's lenient JSON, installed with the API client: compare with that. */
    @org.junit.jupiter.api.BeforeAll
    static void lenientJson() {
        ClusterAccess.installLenientJson();
    }

    /** A pod kube-scheduler recorded (fixture), with the type meta an API server's watch event carries. */
    static String recordedPod() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode args = (ObjectNode) json.readTree(Files.readString(Path.of("src/test/resources/kube-scheduler/v1.32.5/filter-args-nodenames.json")));
        ObjectNode pod = (ObjectNode) args.get("Pod");
        ObjectNode typed = json.createObjectNode().put("kind", "Pod").put("apiVersion", "v1");
        typed.setAll(pod);
        return json.writeValueAsString(typed);
    }

    static String event(String type, String object) {
        return "{\"type\":\"" + type + "\",\"object\":" + object + "}";
    }

    static String pod(String spec) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"uid\":\"u-1\","
                + "\"resourceVersion\":\"42\",\"labels\":{\"app\":\"web\"}},\"spec\":" + spec + ",\"status\":{\"phase\":\"Pending\"}}";
    }

    static Stream<Arguments> cutDown() throws IOException {
        String secrets = IntStream.range(0, 20).mapToObj(i -> "{\"name\":\"s" + i + "\"}").collect(Collectors.joining(","));
        return Stream.of(
                Arguments.of("a pod kube-scheduler sent", event("ADDED", recordedPod())),
                Arguments.of("init containers come first, then containers",
                        event("MODIFIED", pod("{\"containers\":[{\"name\":\"app\",\"image\":\"app:1\",\"env\":[{\"name\":\"A\"}]}],"
                                + "\"initContainers\":[{\"name\":\"init\",\"image\":\"init:1\"}],\"serviceAccountName\":\"sa\"}"))),
                Arguments.of("pull secrets are cut at 16, unnamed ones and nulls dropped",
                        event("ADDED", pod("{\"containers\":[{\"name\":\"app\",\"image\":\"app:1\"}],\"imagePullSecrets\":[{},null," + secrets + "]}"))),
                Arguments.of("an empty list of scheduling gates is no gate",
                        event("ADDED", pod("{\"schedulingGates\":[],\"containers\":[{\"name\":\"app\",\"image\":null}]}"))),
                Arguments.of("a deleted pod", event("DELETED", pod("{\"containers\":[{\"name\":\"app\",\"image\":\"app:1\"}]}"))),
                Arguments.of("a pod without a spec", event("DELETED", "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\",\"namespace\":\"d\"}}")),
                Arguments.of("a bookmark", event("BOOKMARK", "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"77\","
                        + "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void cutDown(String name, String line) {
        Watch.Response<V1Pod> read = PodListerWatcher.readEvent(line);
        Watch.Response<V1Pod> gson = new JSON().deserialize(line, EVENT);

        assertThat(read).as("read by the streaming reader").isNotNull();
        assertThat(read.type).isEqualTo(gson.type);
        assertThat(read.object.getMetadata().getResourceVersion()).as("the reflector resumes from it").isEqualTo(gson.object.getMetadata().getResourceVersion());
        assertThat(UnscheduledPods.strip(read.object)).isEqualTo(UnscheduledPods.strip(gson.object));
    }

    static Stream<Arguments> whole() {
        return Stream.of(
                Arguments.of("a pod with a scheduling gate", event("ADDED", pod("{\"schedulingGates\":[{\"name\":\"osfit.dev/images\"}],"
                        + "\"containers\":[{\"name\":\"app\",\"image\":\"app:1\"}]}"))),
                Arguments.of("a Status (an ERROR event)", event("ERROR", "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                        + "\"message\":\"too old resource version\",\"reason\":\"Expired\",\"code\":410}")),
                Arguments.of("an object without type meta", event("ADDED", "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[]}}")),
                Arguments.of("a number where a name goes", event("ADDED", pod("{\"containers\":[{\"name\":7,\"image\":\"app:1\"}]}"))),
                Arguments.of("containers that are not a list", event("ADDED", pod("{\"containers\":{\"name\":\"app\"}}"))),
                Arguments.of("content after the event", event("ADDED", pod("{\"containers\":[]}")) + " {}"),
                Arguments.of("a line cut short", event("ADDED", pod("{\"containers\":[]}")).substring(0, 60)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void whole(String name, String line) {
        assertThat(PodListerWatcher.readEvent(line)).as("left to client-java's decoding").isNull();
    }
}
