package dev.osfit.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.match.Reasons;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a real kube-scheduler v1.32.5 binds pods with osfit as its extender, one scheduler-config file
 * per subclass. The nodes have no taints and the pods no node selector at all, so only osfit keeps a
 * pod off nodes that cannot run its images; each node platform has two nodes, so a right placement by
 * chance is unlikely for one pod and negligible for all of them.
 */
abstract class RealSchedulerScenarios {

    static final String IIS_2019 = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019";
    static final String NANO_1809 = "mcr.microsoft.com/windows/nanoserver:1809";
    static final String CORE_2022 = "mcr.microsoft.com/windows/servercore:ltsc2022";
    static final String CORE_2025 = "mcr.microsoft.com/windows/servercore:ltsc2025";
    static final String NGINX = "nginx:1.27";
    static final String ANNOTATION = "osfit.dev/image-platforms";

    /** Node name -> os, arch, Windows kernel version (null for Linux). */
    static final Map<String, String[]> NODES = new LinkedHashMap<>();

    static {
        for (int i = 1; i <= 2; i++) {
            NODES.put("sched-linux-amd64-" + i, new String[] {"linux", "amd64", null});
            NODES.put("sched-linux-arm64-" + i, new String[] {"linux", "arm64", null});
            NODES.put("sched-win2019-" + i, new String[] {"windows", "amd64", "10.0.17763.6659"});
            NODES.put("sched-win2022-" + i, new String[] {"windows", "amd64", "10.0.20348.2966"});
            NODES.put("sched-win2025-" + i, new String[] {"windows", "amd64", "10.0.26100.2605"});
        }
    }

    static ControlPlane plane() {
        ControlPlane plane = ControlPlane.shared();
        Kube kube = plane.kube();
        NODES.forEach((name, p) -> kube.node(name, p[0], p[1], p[2]));
        return plane;
    }

    @LocalServerPort
    int port;

    /** The scheduler-config file this mode ships. */
    abstract String schedulerConfig();

    /** A namespace of this class's own. */
    abstract String namespace();

    /** Waits until osfit can answer for the nodes above (names mode: its index has them). */
    void awaitOsfit() {
    }

    /** "linux/arm64" or "windows 10.0.17763", from the node's labels as the API server has them now. */
    static String platformOf(Kube kube, String node) {
        JsonNode labels = kube.get("/api/v1/nodes/" + node).path("metadata").path("labels");
        String os = labels.path("kubernetes.io/os").asString("");
        return os.equals("windows") ? "windows " + labels.path("node.kubernetes.io/windows-build").asString("")
                : os + "/" + labels.path("kubernetes.io/arch").asString("");
    }

    @Test
    void podsLandOnlyWhereTheirImagesRunAndAConflictingPodStaysPending() {
        ControlPlane plane = plane();
        Kube kube = plane.kube();
        kube.namespace(namespace());
        awaitOsfit();
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        expected.put("iis-ltsc2019", Set.of("windows 10.0.17763"));
        expected.put("nano-1809", Set.of("windows 10.0.17763"));
        expected.put("core-ltsc2022", Set.of("windows 10.0.20348", "windows 10.0.26100"));
        expected.put("core-ltsc2025", Set.of("windows 10.0.26100"));
        expected.put("nginx-multiarch", Set.of("linux/amd64", "linux/arm64"));
        expected.put("app-arm64", Set.of("linux/arm64"));

        try (KubeScheduler scheduler = KubeScheduler.start(plane, schedulerConfig(), "http://127.0.0.1:" + port)) {
            create(kube, "iis-ltsc2019", null, IIS_2019);
            create(kube, "nano-1809", null, NANO_1809);
            create(kube, "core-ltsc2022", null, CORE_2022);
            create(kube, "core-ltsc2025", null, CORE_2025);
            create(kube, "nginx-multiarch", NGINX + " linux/amd64 linux/arm64", NGINX);
            create(kube, "app-arm64", "registry.local/app:1 linux/arm64", "registry.local/app:1");
            create(kube, "conflict", null, IIS_2019, CORE_2022);

            Map<String, String> bound = new LinkedHashMap<>();
            for (String pod : expected.keySet()) {
                String node = kube.waitBound(namespace(), pod, Duration.ofSeconds(30));
                assertThat(node).as("%s bound; kube-scheduler's log:%n%s", pod, scheduler.log()).isNotNull();
                bound.put(pod, node);
            }
            bound.forEach((pod, node) -> assertThat(platformOf(kube, node)).as("%s bound to %s", pod, node).isIn(expected.get(pod)));

            List<String> failed = kube.waitEvents(namespace(), "conflict", "FailedScheduling", Duration.ofSeconds(30));
            assertThat(failed).as("FailedScheduling events of the conflicting pod").isNotEmpty();
            String conflict = String.format(Reasons.CONFLICT, IIS_2019 + ": windows(10.0.17763); " + CORE_2022 + ": windows(10.0.20348)");
            // kube-scheduler counts identical reasons: "0/10 nodes are available: 10 pod's images need ...".
            assertThat(failed.get(0)).containsPattern(Pattern.compile("^0/\\d+ nodes are available: \\d+ " + Pattern.quote(conflict)));
            assertThat(kube.pod(namespace(), "conflict").path("spec").path("nodeName").asString("")).isEmpty();
            System.out.printf("real kube-scheduler with %s: %s; conflict: %s%n", schedulerConfig(), bound, failed.get(0));
        }
    }

    /**
     * Every node of a tainted pool of this class's own full of low-priority pods; a high-priority ltsc2019 pod
     * that fits nowhere. The Windows Server 2019 node needs two victims, every other node one, so
     * kube-scheduler left to itself evicts where it costs least, on a node that cannot run the pod. With
     * osfit's preempt answer only the 2019 node's pods are evicted, and the pod is nominated there.
     */
    @Test
    void preemptionEvictsOnlyOnANodeThatCanRunThePodsImages() {
        ControlPlane plane = plane();
        Kube kube = plane.kube();
        String ns = namespace() + "-preempt";
        kube.namespace(ns);
        Map<String, String> pool = pool(kube, namespace() + "-pre-");
        awaitOsfit(pool.keySet());
        try (KubeScheduler scheduler = KubeScheduler.start(plane, schedulerConfig(), "http://127.0.0.1:" + port)) {
            // A small pod through the scheduler first: its filter call shows osfit every pool node (standalone osfit
            // learns node platforms from such calls; the preempt request names nodes only).
            ObjectNode probe = poolPod("probe", ns, "100m", null, NGINX);
            ((ObjectNode) probe.get("metadata")).putObject("annotations").put(ANNOTATION, NGINX + " linux/amd64 linux/arm64");
            assertThat(kube.createPod(ns, probe).status()).isEqualTo(201);
            assertThat(kube.waitBound(ns, "probe", Duration.ofSeconds(30))).as("probe bound; log:%n%s", scheduler.log()).isNotNull();
            kube.send("DELETE", "/api/v1/namespaces/" + ns + "/pods/probe?gracePeriodSeconds=0", null, null);

            Map<String, List<String>> victims = fill(kube, ns, pool);
            String high = highPriorityPod(kube, ns);
            String win2019 = pool.entrySet().stream().filter(e -> e.getValue().equals("windows 10.0.17763")).findFirst().orElseThrow().getKey();
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            String nominated = "";
            while (nominated.isEmpty() && System.nanoTime() < deadline) {
                Kube.sleep(200);
                nominated = kube.pod(ns, high).path("status").path("nominatedNodeName").asString("");
            }
            Map<String, List<String>> evicted = evicted(kube, ns, victims);
            System.out.printf("preemption with %s: nominated %s, evicted %s%n", schedulerConfig(), nominated, evicted);
            assertThat(nominated).as("nominated node; kube-scheduler's log:%n%s", scheduler.log()).isEqualTo(win2019);
            assertThat(evicted).as("evicted pods by node").containsOnlyKeys(win2019);
            assertThat(evicted.get(win2019)).containsExactlyInAnyOrderElementsOf(victims.get(win2019));
        }
    }

    static final String POOL_LABEL = "osfit.dev/test-pool";
    static final String HIGH_PRIORITY = "osfit-test-high";

    /** Five nodes, one per platform, 2 CPUs each, labelled and tainted for {@code prefix}: node name -> platform. */
    static Map<String, String> pool(Kube kube, String prefix) {
        Map<String, String> pool = new LinkedHashMap<>();
        String[][] platforms = {{"linux-amd64", "linux", "amd64", null}, {"linux-arm64", "linux", "arm64", null},
                {"win2019", "windows", "amd64", "10.0.17763.6659"}, {"win2022", "windows", "amd64", "10.0.20348.2966"},
                {"win2025", "windows", "amd64", "10.0.26100.2605"}};
        for (String[] p : platforms) {
            String name = prefix + p[0];
            kube.node(name, p[1], p[2], p[3]);
            kube.mergePatch("/api/v1/nodes/" + name, Map.of("metadata", Map.of("labels", Map.of(POOL_LABEL, prefix + "pool")),
                    "spec", Map.of("taints", List.of(Map.of("key", POOL_LABEL, "value", prefix + "pool", "effect", "NoSchedule")))));
            Map<String, String> capacity = Map.of("cpu", "2", "memory", "32Gi", "pods", "110", "ephemeral-storage", "100Gi");
            kube.mergePatch("/api/v1/nodes/" + name + "/status", Map.of("status", Map.of("capacity", capacity, "allocatable", capacity)));
            pool.put(name, p[3] == null ? p[1] + "/" + p[2] : "windows " + p[3].substring(0, p[3].lastIndexOf('.')));
        }
        return pool;
    }

    /** A pod for the pool (its selector and toleration), requesting {@code cpu}, on {@code node} when given. */
    static ObjectNode poolPod(String name, String ns, String cpu, String node, String image) {
        ObjectNode pod = Kube.pod(name, null, image);
        ObjectNode spec = (ObjectNode) pod.get("spec");
        String prefix = ns.substring(0, ns.length() - "-preempt".length()) + "-pre-";
        spec.putObject("nodeSelector").put(POOL_LABEL, prefix + "pool");
        spec.putArray("tolerations").addObject().put("key", POOL_LABEL).put("operator", "Exists");
        ((ObjectNode) spec.get("containers").get(0)).putObject("resources").putObject("requests").put("cpu", cpu);
        if (node != null) {
            spec.put("nodeName", node);
        }
        return pod;
    }

    /** Low-priority pods bound straight to the nodes: two of one CPU on the 2019 node, one of two CPUs elsewhere. */
    static Map<String, List<String>> fill(Kube kube, String ns, Map<String, String> pool) {
        Map<String, List<String>> victims = new LinkedHashMap<>();
        pool.forEach((node, platform) -> {
            boolean two = platform.equals("windows 10.0.17763");
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < (two ? 2 : 1); i++) {
                String name = "low-" + node.substring(node.indexOf("-pre-") + 5) + "-" + i;
                Kube.Answer a = kube.createPod(ns, poolPod(name, ns, two ? "1" : "2", node, "registry.local/filler:1"));
                assertThat(a.status()).as("create %s: %s", name, a.body()).isEqualTo(201);
                names.add(name);
            }
            victims.put(node, names);
        });
        return victims;
    }

    static String highPriorityPod(Kube kube, String ns) {
        Kube.Answer pc = kube.create("/apis/scheduling.k8s.io/v1/priorityclasses", Map.of("metadata", Map.of("name", HIGH_PRIORITY), "value", 1000));
        assertThat(pc.status()).as("%s", pc.body()).isIn(201, 409);
        ObjectNode pod = poolPod("high", ns, "2", null, IIS_2019);
        ((ObjectNode) pod.get("spec")).put("priorityClassName", HIGH_PRIORITY);
        // The API server's Priority admission reads PriorityClasses from its own informer, which may not have seen
        // the class just created: it refuses the pod (403, "no PriorityClass ... was found") until it has.
        Kube.Answer a = kube.createPod(ns, pod);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (a.status() == 403 && a.body().toString().contains("no PriorityClass") && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            a = kube.createPod(ns, pod);
        }
        assertThat(a.status()).as("create high: %s", a.body()).isEqualTo(201);
        return "high";
    }

    /** The victims that kube-scheduler deleted (gone, or terminating: no kubelet finishes them here), by node. */
    static Map<String, List<String>> evicted(Kube kube, String ns, Map<String, List<String>> victims) {
        Map<String, List<String>> evicted = new LinkedHashMap<>();
        victims.forEach((node, names) -> names.forEach(name -> {
            Kube.Answer a = kube.send("GET", "/api/v1/namespaces/" + ns + "/pods/" + name, null, null);
            if (a.status() == 404 || a.body().path("metadata").has("deletionTimestamp")) {
                evicted.computeIfAbsent(node, n -> new java.util.ArrayList<>()).add(name);
            }
        }));
        return evicted;
    }

    /** Waits until osfit can answer for these nodes too (names mode: its index has them). */
    void awaitOsfit(java.util.Collection<String> nodes) {
    }

    private void create(Kube kube, String name, String annotation, String... images) {
        Kube.Answer a = kube.createPod(namespace(), Kube.pod(name, annotation == null ? null : Map.of(ANNOTATION, annotation), images));
        assertThat(a.status()).as("create %s: %s", name, a.body()).isEqualTo(201);
    }

    static boolean allIndexed(JsonNode filterAnswer) {
        return filterAnswer.path("FailedNodes").isEmpty() || !filterAnswer.path("FailedNodes").toString().contains(Reasons.NODE_NOT_INDEXED);
    }
}
