package dev.osfit.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The few API calls the control-plane tests make, as the admin, in plain JSON: what a user would do
 * with kubectl (create nodes and pods, relabel, delete, read events). No client library, so the
 * tests see exactly what the API server says.
 */
public final class Kube {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final ControlPlane plane;

    Kube(ControlPlane plane) {
        this.plane = plane;
    }

    /** An answer: status, body and the Warning headers (admission warnings arrive there). */
    public record Answer(int status, JsonNode body, List<String> warnings) {
    }

    public Answer send(String method, String path, String contentType, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(plane.url() + path))
                    .header("Authorization", "Bearer " + ControlPlane.ADMIN_TOKEN)
                    .timeout(Duration.ofSeconds(20)).method(method, publisher);
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            HttpResponse<byte[]> r = plane.http().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
            return new Answer(r.statusCode(), json, r.headers().allValues("Warning"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode ok(Answer a, String what) {
        if (a.status() / 100 != 2) {
            throw new IllegalStateException(what + ": " + a.status() + " " + a.body());
        }
        return a.body();
    }

    public JsonNode get(String path) {
        return ok(send("GET", path, null, null), "GET " + path);
    }

    public Answer create(String path, Object body) {
        return send("POST", path, "application/json", body);
    }

    public JsonNode mergePatch(String path, Object patch) {
        return ok(send("PATCH", path, "application/merge-patch+json", patch), "PATCH " + path);
    }

    public void delete(String path) {
        Answer a = send("DELETE", path, null, null);
        if (a.status() != 404) {
            ok(a, "DELETE " + path);
        }
    }

    private static final Map<String, String> PATHS = Map.of(
            "ServiceAccount", "/api/v1/namespaces/%s/serviceaccounts",
            "ClusterRole", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            "ClusterRoleBinding", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            "Role", "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/roles",
            "RoleBinding", "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/rolebindings");

    /** Creates (or replaces) every object of a manifest file, as kubectl apply would; RBAC and ServiceAccounts only. */
    @SuppressWarnings("unchecked")
    public void apply(java.nio.file.Path file) {
        try {
            for (Object doc : new org.yaml.snakeyaml.Yaml().loadAll(java.nio.file.Files.readString(file))) {
                if (doc == null) {
                    continue;
                }
                Map<String, Object> object = (Map<String, Object>) doc;
                Map<String, Object> meta = (Map<String, Object>) object.get("metadata");
                String kind = (String) object.get("kind");
                String collection = PATHS.get(kind);
                if (collection == null) {
                    throw new IllegalArgumentException(file + ": cannot apply a " + kind);
                }
                collection = String.format(collection, meta.get("namespace"));
                Answer a = create(collection, object);
                if (a.status() == 409) {
                    ok(send("PUT", collection + "/" + meta.get("name"), "application/json", object), "replace " + kind);
                } else {
                    ok(a, "create " + kind + " " + meta.get("name"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void namespace(String name) {
        Answer a = create("/api/v1/namespaces", Map.of("metadata", Map.of("name", name)));
        if (a.status() != 409) {
            ok(a, "create namespace " + name);
        }
    }

    /**
     * A Ready node as a kubelet would register it: the kubelet's labels, nodeInfo and room for 110 pods.
     * {@code windowsBuild} is {@code 10.0.17763.6659}-style (null for Linux).
     */
    public void node(String name, String os, String arch, String windowsBuild) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", os);
        labels.put("kubernetes.io/arch", arch);
        labels.put("beta.kubernetes.io/os", os);
        labels.put("beta.kubernetes.io/arch", arch);
        if (windowsBuild != null) {
            labels.put("node.kubernetes.io/windows-build", windowsBuild.substring(0, windowsBuild.lastIndexOf('.')));
        }
        Answer a = create("/api/v1/nodes", Map.of("metadata", Map.of("name", name, "labels", labels)));
        if (a.status() != 409) {
            ok(a, "create node " + name);
        }
        String now = Instant.now().toString();
        Map<String, Object> nodeInfo = new LinkedHashMap<>();
        nodeInfo.put("operatingSystem", os);
        nodeInfo.put("architecture", arch);
        nodeInfo.put("kernelVersion", windowsBuild != null ? windowsBuild : "6.1.0-28-amd64");
        nodeInfo.put("osImage", windowsBuild != null ? "Windows Server Datacenter" : "Debian GNU/Linux 12 (bookworm)");
        nodeInfo.put("containerRuntimeVersion", "containerd://1.7.24");
        nodeInfo.put("kubeletVersion", "v1.32.5");
        for (String field : List.of("machineID", "systemUUID", "bootID", "kubeProxyVersion")) {
            nodeInfo.put(field, "");
        }
        Map<String, String> capacity = Map.of("cpu", "8", "memory", "32Gi", "pods", "110", "ephemeral-storage", "100Gi");
        Map<String, Object> status = Map.of("capacity", capacity, "allocatable", capacity, "nodeInfo", nodeInfo,
                "conditions", List.of(Map.of("type", "Ready", "status", "True", "reason", "KubeletReady",
                        "message", "kubelet is posting ready status", "lastHeartbeatTime", now, "lastTransitionTime", now)));
        mergePatch("/api/v1/nodes/" + name + "/status", Map.of("status", status));
    }

    /** A pod with one container per image, no node selector, created in {@code namespace}. */
    public static ObjectNode pod(String name, Map<String, String> annotations, String... images) {
        ObjectNode pod = JSON.createObjectNode();
        ObjectNode meta = pod.putObject("metadata");
        meta.put("name", name);
        if (annotations != null && !annotations.isEmpty()) {
            ObjectNode a = meta.putObject("annotations");
            annotations.forEach(a::put);
        }
        var containers = pod.putObject("spec").putArray("containers");
        for (int i = 0; i < images.length; i++) {
            containers.addObject().put("name", "c" + i).put("image", images[i]);
        }
        return pod;
    }

    public Answer createPod(String namespace, ObjectNode pod) {
        return create("/api/v1/namespaces/" + namespace + "/pods", pod);
    }

    public JsonNode pod(String namespace, String name) {
        return get("/api/v1/namespaces/" + namespace + "/pods/" + name);
    }

    /** The node the pod is bound to, waiting up to {@code limit}; null when it is still unbound then. */
    public String waitBound(String namespace, String name, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        do {
            String node = pod(namespace, name).path("spec").path("nodeName").asString("");
            if (!node.isEmpty()) {
                return node;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        return null;
    }

    /** The messages of the pod's events with this reason, waiting up to {@code limit} for the first. */
    public List<String> waitEvents(String namespace, String pod, String reason, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> out = new ArrayList<>();
        do {
            out.clear();
            String selector = URLEncoder.encode("involvedObject.name=" + pod + ",reason=" + reason, StandardCharsets.UTF_8);
            get("/api/v1/namespaces/" + namespace + "/events?fieldSelector=" + selector).path("items")
                    .forEach(e -> out.add(e.path("message").asString()));
            if (!out.isEmpty()) {
                return out;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        return out;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
