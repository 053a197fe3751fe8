package dev.osfit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Nodes as a kubelet reports them (about 12 KB of JSON each: labels, annotations, managedFields,
 * conditions, 40 status.images), in a plausible mix: Linux amd64 60%, arm64 15%, Windows 17763 10%,
 * 20348 10%, 26100 5%. Deterministic for a seed.
 */
public final class RealisticNodes {

    public record Node(String name, String os, String arch, String build, String json) {
    }

    private RealisticNodes() {
    }

    public static List<Node> generate(int count, long seed) {
        Random random = new Random(seed);
        List<Node> nodes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = i % 20;
            String os = kind < 15 ? "linux" : "windows";
            String arch = kind < 12 || kind >= 15 ? "amd64" : "arm64";
            String build = kind < 15 ? null : kind < 17 ? "10.0.17763" : kind < 19 ? "10.0.20348" : "10.0.26100";
            String kernel = build == null ? (arch.equals("amd64") ? "6.1.0-28-cloud-amd64" : "5.15.0-1071-aws")
                    : build + "." + (build.endsWith("17763") ? 6659 : build.endsWith("20348") ? 2966 : 2605);
            String name = (build == null ? "linux-" + arch : "win-" + build.substring(5)) + "-" + i;
            nodes.add(new Node(name, os, arch, build, json(name, os, arch, build, kernel, i, random)));
        }
        return nodes;
    }

    public static byte[] list(List<Node> nodes, String resourceVersion) {
        StringBuilder b = new StringBuilder(nodes.size() * 13_000 + 128);
        b.append("{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"").append(resourceVersion).append("\"},\"items\":[");
        for (int i = 0; i < nodes.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(nodes.get(i).json());
        }
        return b.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String json(String name, String os, String arch, String build, String kernel, int i, Random random) {
        StringBuilder b = new StringBuilder(13_000);
        b.append("{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"").append(name)
                .append("\",\"uid\":\"").append(new java.util.UUID(random.nextLong(), random.nextLong()))
                .append("\",\"resourceVersion\":\"").append(1000 + i).append("\",\"creationTimestamp\":\"2026-11-01T10:00:00Z\",")
                .append("\"labels\":{\"beta.kubernetes.io/arch\":\"").append(arch).append("\",\"beta.kubernetes.io/os\":\"").append(os)
                .append("\",\"kubernetes.io/arch\":\"").append(arch).append("\",\"kubernetes.io/hostname\":\"").append(name)
                .append("\",\"kubernetes.io/os\":\"").append(os).append("\",\"node.kubernetes.io/instance-type\":\"m6i.2xlarge\",")
                .append("\"topology.kubernetes.io/region\":\"eu-west-1\",\"topology.kubernetes.io/zone\":\"eu-west-1").append((char) ('a' + i % 3)).append('"');
        if (build != null) {
            b.append(",\"node.kubernetes.io/windows-build\":\"").append(build).append('"');
        }
        b.append("},\"annotations\":{\"node.alpha.kubernetes.io/ttl\":\"0\",\"volumes.kubernetes.io/controller-managed-attach-detach\":\"true\",")
                .append("\"csi.volume.kubernetes.io/nodeid\":\"{\\\"ebs.csi.aws.com\\\":\\\"i-0").append(Long.toHexString(random.nextLong())).append("\\\"}\"},")
                .append("\"managedFields\":[");
        String[] managers = {"kubelet", "kube-controller-manager", "aws-cloud-controller-manager"};
        for (int m = 0; m < managers.length; m++) {
            if (m > 0) {
                b.append(',');
            }
            b.append("{\"manager\":\"").append(managers[m]).append("\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-21T10:00:00Z\",")
                    .append("\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:node.alpha.kubernetes.io/ttl\":{}},")
                    .append("\"f:labels\":{\".\":{},\"f:beta.kubernetes.io/arch\":{},\"f:beta.kubernetes.io/os\":{},\"f:kubernetes.io/arch\":{},")
                    .append("\"f:kubernetes.io/hostname\":{},\"f:kubernetes.io/os\":{}}},\"f:status\":{\"f:conditions\":{\"k:{\\\"type\\\":\\\"Ready\\\"}\":")
                    .append("{\"f:lastHeartbeatTime\":{},\"f:lastTransitionTime\":{},\"f:message\":{},\"f:reason\":{},\"f:status\":{}}},")
                    .append("\"f:images\":{},\"f:nodeInfo\":{\"f:bootID\":{},\"f:kernelVersion\":{}}}}}");
        }
        b.append("]},\"spec\":{\"podCIDR\":\"10.").append(i / 250).append('.').append(i % 250).append(".0/24\",\"providerID\":\"aws:///eu-west-1a/i-0")
                .append(Long.toHexString(random.nextLong())).append('"');
        if (build != null) {
            b.append(",\"taints\":[{\"key\":\"os\",\"value\":\"windows\",\"effect\":\"NoSchedule\"}]");
        }
        b.append("},\"status\":{\"capacity\":{\"cpu\":\"8\",\"ephemeral-storage\":\"104845292Ki\",\"hugepages-1Gi\":\"0\",\"hugepages-2Mi\":\"0\",")
                .append("\"memory\":\"32386688Ki\",\"pods\":\"110\"},\"allocatable\":{\"cpu\":\"7910m\",\"ephemeral-storage\":\"95551679124\",")
                .append("\"memory\":\"31369856Ki\",\"pods\":\"110\"},\"conditions\":[");
        String[][] conditions = {{"MemoryPressure", "False", "KubeletHasSufficientMemory"}, {"DiskPressure", "False", "KubeletHasNoDiskPressure"},
                {"PIDPressure", "False", "KubeletHasSufficientPID"}, {"Ready", "True", "KubeletReady"}};
        for (int c = 0; c < conditions.length; c++) {
            if (c > 0) {
                b.append(',');
            }
            b.append("{\"type\":\"").append(conditions[c][0]).append("\",\"status\":\"").append(conditions[c][1])
                    .append("\",\"lastHeartbeatTime\":\"2026-11-21T10:00:00Z\",\"lastTransitionTime\":\"2026-11-01T10:00:00Z\",\"reason\":\"")
                    .append(conditions[c][2]).append("\",\"message\":\"kubelet is posting ready status\"}");
        }
        b.append("],\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.0.").append(i / 250).append('.').append(i % 250)
                .append("\"},{\"type\":\"Hostname\",\"address\":\"").append(name).append("\"}],")
                .append("\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":10250}},\"nodeInfo\":{\"machineID\":\"")
                .append(Long.toHexString(random.nextLong())).append("\",\"systemUUID\":\"").append(new java.util.UUID(random.nextLong(), random.nextLong()))
                .append("\",\"bootID\":\"").append(new java.util.UUID(random.nextLong(), random.nextLong())).append("\",\"kernelVersion\":\"").append(kernel)
                .append("\",\"osImage\":\"").append(build == null ? "Ubuntu 22.04.5 LTS" : "Windows Server Datacenter")
                .append("\",\"containerRuntimeVersion\":\"containerd://1.7.24\",\"kubeletVersion\":\"v1.32.5\",\"kubeProxyVersion\":\"v1.32.5\",")
                .append("\"operatingSystem\":\"").append(os).append("\",\"architecture\":\"").append(arch).append("\"},\"images\":[");
        for (int img = 0; img < 40; img++) {
            if (img > 0) {
                b.append(',');
            }
            String repo = "registry.example.com/team" + (img % 7) + "/service-" + img;
            b.append("{\"names\":[\"").append(repo).append("@sha256:").append(hex(random, 64)).append("\",\"").append(repo).append(":v1.")
                    .append(img).append('.').append(random.nextInt(50)).append("\"],\"sizeBytes\":").append(10_000_000 + random.nextInt(900_000_000)).append('}');
        }
        return b.append("]}}").toString();
    }

    private static String hex(Random random, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(Character.forDigit(random.nextInt(16), 16));
        }
        return b.toString();
    }
}
