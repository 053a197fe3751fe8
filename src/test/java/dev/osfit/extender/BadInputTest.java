package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * Input osfit cannot read gets 400 with a JSON body naming what is wrong; never a 500, never a hang;
 * and the next good request is served normally (checked after every case).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "osfit.max-request-size=64KB")
@AutoConfigureWebTestClient
class BadInputTest {

    static final String POD = "{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}";

    @Autowired
    WebTestClient client;

    static List<Arguments> cases() {
        return List.of(
                Arguments.of("malformed JSON", "/filter", "{\"Pod\": {", "malformed JSON at line 1"),
                Arguments.of("not JSON at all", "/prioritize", "hello", "malformed JSON at line 1, column 1"),
                Arguments.of("an array instead of an object", "/filter", "[]", "request body must be a JSON object, found an array"),
                Arguments.of("trailing content", "/filter", "{\"Pod\":" + POD + ",\"NodeNames\":[]} {}", "unexpected content after the top-level object"),
                Arguments.of("missing Pod", "/filter", "{\"NodeNames\":[\"n1\"]}", "Pod is missing or null"),
                Arguments.of("null Pod", "/prioritize", "{\"Pod\":null,\"Nodes\":null,\"NodeNames\":[\"n1\"]}", "Pod is missing or null"),
                Arguments.of("Nodes and NodeNames both null", "/filter", "{\"Pod\":" + POD + ",\"Nodes\":null,\"NodeNames\":null}",
                        "Nodes and NodeNames are both null"),
                Arguments.of("Pod of the wrong type", "/filter", "{\"Pod\":[],\"NodeNames\":[]}", "Pod: expected an object, found an array"),
                Arguments.of("NodeNames of the wrong type", "/filter", "{\"Pod\":" + POD + ",\"NodeNames\":\"n1\"}",
                        "NodeNames: expected an array, found a string"),
                Arguments.of("a node name that is not a string", "/filter", "{\"Pod\":" + POD + ",\"NodeNames\":[\"n1\",7]}",
                        "NodeNames[1]: expected a node name string, found a number"),
                Arguments.of("Nodes of the wrong type", "/filter", "{\"Pod\":" + POD + ",\"Nodes\":[]}", "Nodes: expected an object, found an array"),
                Arguments.of("a node without a name", "/filter", "{\"Pod\":" + POD + ",\"Nodes\":{\"items\":[{\"metadata\":{}}]}}",
                        "Nodes.items[0].metadata.name is missing"),
                Arguments.of("a node label of the wrong type", "/filter",
                        "{\"Pod\":" + POD + ",\"Nodes\":{\"items\":[{\"metadata\":{\"name\":\"n\",\"labels\":{\"kubernetes.io/os\":1}}}]}}",
                        "Nodes.items[0].metadata.labels.kubernetes.io/os: expected a string, found a number"),
                Arguments.of("containers of the wrong type", "/filter",
                        "{\"Pod\":{\"spec\":{\"containers\":{}}},\"NodeNames\":[]}", "Pod.spec.containers:"),
                Arguments.of("an image that is a number", "/filter",
                        "{\"Pod\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":5}]}},\"NodeNames\":[]}", "Pod.spec.containers[0].image:"),
                Arguments.of("hostPID that is a string", "/prioritize",
                        "{\"Pod\":{\"spec\":{\"hostPID\":\"yes\"}},\"NodeNames\":[]}", "Pod.spec.hostPID:"),
                Arguments.of("preempt with both victim maps null", "/preempt",
                        "{\"Pod\":" + POD + ",\"NodeNameToVictims\":null,\"NodeNameToMetaVictims\":null}",
                        "NodeNameToVictims and NodeNameToMetaVictims are both null"),
                Arguments.of("a victim without a UID", "/preempt",
                        "{\"Pod\":" + POD + ",\"NodeNameToMetaVictims\":{\"n1\":{\"Pods\":[{}],\"NumPDBViolations\":0}}}",
                        "NodeNameToMetaVictims[n1].Pods[0].UID is missing"),
                Arguments.of("NumPDBViolations that is a string", "/preempt",
                        "{\"Pod\":" + POD + ",\"NodeNameToMetaVictims\":{\"n1\":{\"Pods\":[{\"UID\":\"u\"}],\"NumPDBViolations\":\"0\"}}}",
                        "NodeNameToMetaVictims[n1].NumPDBViolations: expected an integer, found a string"),
                Arguments.of("invalid UTF-8", "/filter", concat(utf8("{\"Pod\":" + POD + ",\"NodeNames\":[\"n"),
                        new byte[] {(byte) 0xc3, (byte) 0x28}, utf8("\"]}")), "malformed JSON"),
                Arguments.of("an empty body", "/filter", "", "empty request body"),
                Arguments.of("a UTF-16 body with nodes", "/filter", utf16("{\"Pod\":" + POD + ",\"Nodes\":{\"items\":[{\"metadata\":{\"name\":\"n\"}}]}}",
                        java.nio.charset.StandardCharsets.UTF_16BE), "request body must be UTF-8"),
                Arguments.of("a UTF-16LE body with a byte order mark", "/prioritize", utf16("\uFEFF{\"Pod\":" + POD + ",\"NodeNames\":[\"n\"]}",
                        java.nio.charset.StandardCharsets.UTF_16LE), "request body must be UTF-8"),
                Arguments.of("a UTF-32 body", "/filter", utf16("{\"Pod\":" + POD + ",\"NodeNames\":[\"n\"]}",
                        java.nio.charset.Charset.forName("UTF-32BE")), "request body must be UTF-8"));
    }

    static byte[] utf16(String text, java.nio.charset.Charset charset) {
        return text.getBytes(charset);
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("cases")
    void badInputIs400WithAMessage(String name, String path, Object body, String message) {
        byte[] bytes = body instanceof byte[] b ? b : utf8((String) body);
        JsonNode error = Fixtures.json(client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(bytes)
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(byte[].class).returnResult().getResponseBody());
        assertThat(error.get("Error").asString()).startsWith(message);
    }

    @Test
    void aBodyOverTheLimitIs400() {
        byte[] big = new byte[70 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(big)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.Error").isEqualTo("request body exceeds osfit.max-request-size (65536 bytes)");
    }

    @Test
    void aChunkedBodyOverTheLimitIs400() {
        // No Content-Length: the limit applies while reading.
        Flux<DataBuffer> chunks = Flux.range(0, 20).map(i -> {
            byte[] chunk = new byte[8 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            return DefaultDataBufferFactory.sharedInstance.wrap(chunk);
        });
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).body(chunks, DataBuffer.class)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.Error").isEqualTo("request body exceeds osfit.max-request-size (65536 bytes)");
    }

    /** Chunked and under the limit: the body is assembled whole from many small chunks (the array grows as they come). */
    @Test
    void aChunkedBodyUnderTheLimitIsAnswered() {
        byte[] body = Fixtures.bytes("filter-args-full-nodes.json");
        assertThat(body.length).as("more than the first array of 8 KiB").isGreaterThan(3 * 8192);
        Flux<DataBuffer> chunks = Flux.range(0, (body.length + 2999) / 3000).map(i -> DefaultDataBufferFactory.sharedInstance
                .wrap(java.util.Arrays.copyOfRange(body, i * 3000, Math.min(body.length, (i + 1) * 3000))));
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).body(chunks, DataBuffer.class)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.Nodes.items.length()").isEqualTo(2);
    }

    @Test
    void unknownFieldsAreIgnored() {
        String body = "{\"Pod\":{\"kind\":\"Pod\",\"future\":{\"x\":[1,2]},\"spec\":{\"newField\":true,\"containers\":[{\"name\":\"c\","
                + "\"image\":\"nginx\",\"what\":null}]}},\"Nodes\":null,\"NodeNames\":[\"n1\"],\"Extra\":[{}]}";
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.NodeNames[0]").isEqualTo("n1");
    }

    @Test
    void nullMembersAreAccepted() {
        String body = "{\"Pod\":{\"metadata\":null,\"spec\":{\"containers\":[null,{\"name\":\"c\",\"image\":\"nginx\",\"securityContext\":null,"
                + "\"resources\":null,\"volumeMounts\":null}],\"initContainers\":null,\"affinity\":null,\"os\":null,\"nodeSelector\":null}},"
                + "\"Nodes\":{\"metadata\":null,\"items\":null},\"NodeNames\":null}";
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.Nodes.items").isEmpty();
    }

    @AfterEach
    void aGoodRequestIsServedAfterwards() {
        client.post().uri("/filter").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Fixtures.bytes("filter-args-full-nodes.json"))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.Nodes.items.length()").isEqualTo(2);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
