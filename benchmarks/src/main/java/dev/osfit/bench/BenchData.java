package dev.osfit.bench;

import dev.osfit.image.WindowsTagTable;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.UnknownImagePolicy;
import dev.osfit.node.NodeIndex;
import dev.osfit.extender.ExtenderCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inputs shared by the benchmarks and the load driver: kubelet-shaped nodes in a plausible mix
 * ({@link RealisticNodes}), the two pods osfit is asked about most (a Windows Server 2022 pod and a
 * multi-arch Linux pod), and requests in both forms.
 */
public final class BenchData {

    /** A Windows pod: an ltsc2022 image from mcr.microsoft.com, tolerating the Windows taint. */
    public static final String WINDOWS_POD = """
            {"metadata":{"name":"web-7d4b9c","namespace":"shop","uid":"5a0c5b1e-1111-4c3e-9d7a-000000000001"},
             "spec":{"containers":[{"name":"web","image":"mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
             "resources":{"requests":{"cpu":"500m","memory":"1Gi"}}}],
             "tolerations":[{"key":"os","operator":"Equal","value":"windows","effect":"NoSchedule"}]}}""";

    /** A Linux pod whose image is published for amd64 and arm64 (stated by annotation, as the registry would). */
    public static final String LINUX_POD = """
            {"metadata":{"name":"api-5f6d8","namespace":"shop","uid":"5a0c5b1e-1111-4c3e-9d7a-000000000002",
             "annotations":{"osfit.dev/image-platforms":"registry.example.com/shop/api:2.4 linux/amd64 linux/arm64/v8"}},
             "spec":{"containers":[{"name":"api","image":"registry.example.com/shop/api:2.4"}]}}""";

    private static final ConcurrentHashMap<Integer, List<RealisticNodes.Node>> NODES = new ConcurrentHashMap<>();

    private BenchData() {
    }

    public static String pod(String kind) {
        return kind.equals("windows") ? WINDOWS_POD : LINUX_POD;
    }

    public static List<RealisticNodes.Node> nodes(int count) {
        return NODES.computeIfAbsent(count, n -> RealisticNodes.generate(n, 42));
    }

    /** ExtenderArgs with full node objects, as kube-scheduler sends them with nodeCacheCapable: false. */
    public static byte[] fullRequest(String pod, List<RealisticNodes.Node> nodes) {
        StringBuilder b = new StringBuilder(nodes.size() * 12_500 + pod.length() + 64);
        b.append("{\"Pod\":").append(pod).append(",\"Nodes\":{\"metadata\":{},\"items\":[");
        for (int i = 0; i < nodes.size(); i++) {
            b.append(i == 0 ? "" : ",").append(nodes.get(i).json());
        }
        return b.append("]},\"NodeNames\":null}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** ExtenderArgs with node names only, as kube-scheduler sends them with nodeCacheCapable: true. */
    public static byte[] namesRequest(String pod, List<RealisticNodes.Node> nodes) {
        StringBuilder b = new StringBuilder(nodes.size() * 24 + pod.length() + 64);
        b.append("{\"Pod\":").append(pod).append(",\"Nodes\":null,\"NodeNames\":[");
        for (int i = 0; i < nodes.size(); i++) {
            b.append(i == 0 ? "\"" : ",\"").append(nodes.get(i).name()).append('"');
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    public static String[] names(List<RealisticNodes.Node> nodes) {
        return nodes.stream().map(RealisticNodes.Node::name).toArray(String[]::new);
    }

    /** A synced node index holding these nodes, built from their JSON as the informer would see them. */
    public static NodeIndex index(List<RealisticNodes.Node> nodes) {
        ExtenderCodec.Request decoded = ExtenderCodec.decode(fullRequest(WINDOWS_POD, nodes));
        NodeIndex index = new NodeIndex();
        for (int i = 0; i < decoded.size(); i++) {
            index.put(decoded.name(i), decoded.platform(i));
        }
        index.markSynced();
        return index;
    }

    public static PodFacts podFacts(String pod) {
        return ExtenderCodec.decode(namesRequest(pod, List.of())).pod();
    }

    /** The compiler as osfit wires it without a registry: the annotation, the Windows tag table, the pod's selectors. */
    public static PodCompiler compiler() {
        return new PodCompiler(List.of(new WindowsTagTable()), UnknownImagePolicy.ALLOW);
    }
}
