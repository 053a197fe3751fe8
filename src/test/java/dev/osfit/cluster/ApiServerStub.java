package dev.osfit.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * WireMock standing in for the API server's node endpoints, on 127.0.0.1: the list
 * ({@code GET /api/v1/nodes?watch=false}) and watch ({@code ?watch=true}, newline-delimited events),
 * each a sequence of answers (a WireMock scenario), the last one repeated. An idle watch answers
 * after a delay with no events, as a watch that timed out.
 */
final class ApiServerStub implements AutoCloseable {

    static final String PATH = "/api/v1/nodes";

    WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

    private final int port;

    ApiServerStub() {
        server.start();
        port = server.port();
    }

    /** Stops the server: connections are refused until {@link #restart()}. */
    void down() {
        server.stop();
    }

    /** A fresh server on the same port, with no stubs. */
    void restart() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").port(port));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A kubeconfig that points at this stub. */
    Path kubeconfig(Path dir) {
        return kubeconfig(dir, url());
    }

    /** A kubeconfig that points at {@code server}. */
    static Path kubeconfig(Path dir, String server) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: stub
                  cluster:
                    server: %s
                contexts:
                - name: stub
                  context:
                    cluster: stub
                    user: stub
                current-context: stub
                users:
                - name: stub
                  user:
                    token: test-token
                """.formatted(server);
        try {
            Path file = dir.resolve("kubeconfig");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET of one pod answers this JSON (any other pod: WireMock's 404). */
    void pod(String namespace, String name, String json) {
        server.stubFor(get(urlPathEqualTo("/api/v1/namespaces/" + namespace + "/pods/" + name)).willReturn(json(json)));
    }

    /** The list answers, in order; the last one repeats. */
    void lists(ResponseDefinitionBuilder... answers) {
        sequence("list", false, answers);
    }

    /** The watch answers, in order; the last one repeats. */
    void watches(ResponseDefinitionBuilder... answers) {
        sequence("watch", true, answers);
    }

    private void sequence(String name, boolean watch, ResponseDefinitionBuilder... answers) {
        for (int i = 0; i < answers.length; i++) {
            ScenarioMappingBuilder m = get(urlPathEqualTo(PATH)).withQueryParam("watch", equalTo(String.valueOf(watch)))
                    .inScenario(name).whenScenarioStateIs(i == 0 ? Scenario.STARTED : name + i);
            if (i + 1 < answers.length) {
                m = m.willSetStateTo(name + (i + 1));
            }
            server.stubFor(m.willReturn(answers[i]));
        }
    }

    static ResponseDefinitionBuilder list(String resourceVersion, String... nodes) {
        return json("{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + resourceVersion + "\"},"
                + "\"items\":[" + String.join(",", nodes) + "]}");
    }

    static ResponseDefinitionBuilder events(String... events) {
        return json(String.join("\n", events) + "\n");
    }

    /**
     * A watch that opens at once, stays open about a second with nothing but a bookmark, and ends
     * (the server's watch timeout); the informer then watches again.
     */
    static ResponseDefinitionBuilder idle() {
        return json(bookmark("999") + "\n").withChunkedDribbleDelay(4, 1000);
    }

    /** A connection accepted and never answered (for {@code millis}, longer than any test waits). */
    static ResponseDefinitionBuilder silent(int millis) {
        return json("{}").withFixedDelay(millis);
    }

    /** The timeoutSeconds of each watch received so far. */
    List<Integer> watchTimeouts() {
        return server.getAllServeEvents().stream()
                .filter(e -> "true".equals(e.getRequest().queryParameter("watch").firstValue()))
                .map(e -> Integer.parseInt(e.getRequest().queryParameter("timeoutSeconds").firstValue()))
                .collect(Collectors.toList());
    }

    static ResponseDefinitionBuilder status(int code) {
        return json("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code + "}").withStatus(code);
    }

    static ResponseDefinitionBuilder reset() {
        return aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    static String event(String type, String node) {
        return "{\"type\":\"" + type + "\",\"object\":" + node + "}";
    }

    static String bookmark(String resourceVersion) {
        return "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\""
                + resourceVersion + "\"}}}";
    }

    static String expired() {
        return "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"too old resource version\",\"reason\":\"Expired\",\"code\":410}}";
    }

    static String linux(String name, String arch, String resourceVersion) {
        return node(name, "linux", arch, null, "6.1.0-28-" + arch, resourceVersion, "");
    }

    static String windows(String name, String build, int revision, String resourceVersion) {
        return node(name, "windows", "amd64", build, build + "." + revision, resourceVersion, "");
    }

    /**
     * A node as a kubelet reports it, with managedFields, conditions and images; {@code extra} is
     * spliced into metadata (to add fields the client does not know).
     */
    static String node(String name, String os, String arch, String build, String kernel, String resourceVersion, String extra) {
        String buildLabel = build == null ? "" : ",\"node.kubernetes.io/windows-build\":\"" + build + "\"";
        List<String> images = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> "{\"names\":[\"registry.example/app" + i + ":v" + i + "\"],\"sizeBytes\":" + (1000000 + i) + "}")
                .collect(Collectors.toList());
        return """
                {"kind":"Node","apiVersion":"v1","metadata":{"name":"%s","uid":"uid-%s","resourceVersion":"%s",
                "creationTimestamp":"2026-11-21T21:46:58Z","labels":{"kubernetes.io/os":"%s","kubernetes.io/arch":"%s",
                "beta.kubernetes.io/os":"%s","beta.kubernetes.io/arch":"%s","kubernetes.io/hostname":"%s"%s},
                "managedFields":[{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2026-11-21T21:46:58Z",
                "fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:nodeInfo":{}}}}]%s},
                "spec":{"podCIDR":"10.244.1.0/24"},
                "status":{"capacity":{"cpu":"4","memory":"16Gi"},"allocatable":{"cpu":"4","memory":"15Gi"},
                "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2026-11-21T21:46:57Z",
                "lastTransitionTime":"2026-11-21T21:46:57Z","reason":"KubeletReady","message":"kubelet is posting ready status"}],
                "nodeInfo":{"machineID":"m","systemUUID":"s","bootID":"b","kernelVersion":"%s","osImage":"img",
                "containerRuntimeVersion":"containerd://1.7.24","kubeletVersion":"v1.32.5","kubeProxyVersion":"v1.32.5",
                "operatingSystem":"%s","architecture":"%s"},"images":[%s]}}
                """.formatted(name, name, resourceVersion, os, arch, os, arch, name, buildLabel, extra, kernel, os, arch,
                String.join(",", images)).replace("\n", "");
    }

    @Override
    public void close() {
        server.stop();
    }
}
