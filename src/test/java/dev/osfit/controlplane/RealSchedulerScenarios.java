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

    private void create(Kube kube, String name, String annotation, String... images) {
        Kube.Answer a = kube.createPod(namespace(), Kube.pod(name, annotation == null ? null : Map.of(ANNOTATION, annotation), images));
        assertThat(a.status()).as("create %s: %s", name, a.body()).isEqualTo(201);
    }

    static boolean allIndexed(JsonNode filterAnswer) {
        return filterAnswer.path("FailedNodes").isEmpty() || !filterAnswer.path("FailedNodes").toString().contains(Reasons.NODE_NOT_INDEXED);
    }
}
