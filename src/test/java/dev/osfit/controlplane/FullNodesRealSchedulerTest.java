package dev.osfit.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Standalone osfit (no node index: nodes come in each request) behind a real kube-scheduler with the
 * shipped {@code scheduler-config/osfit-full-nodes.yaml}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "osfit.nodes.source=request")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FullNodesRealSchedulerTest extends RealSchedulerScenarios {

    @Autowired
    MeterRegistry meters;

    @Override
    String schedulerConfig() {
        return "osfit-full-nodes.yaml";
    }

    @Override
    String namespace() {
        return "full-nodes";
    }

    /**
     * When every node is full no filter call reaches osfit, and the preempt request names nodes without
     * their objects: standalone osfit, having never seen the pool's nodes, drops every candidate. Nothing is
     * evicted, the pod waits, and osfit counts the unknown candidates.
     */
    @Test
    void nodesOsfitNeverSawAreNotPreempted() {
        ControlPlane plane = plane();
        Kube kube = plane.kube();
        String ns = "unseen-preempt";
        kube.namespace(ns);
        Map<String, String> pool = pool(kube, "unseen-pre-");
        double unknownBefore = unknownCandidates();
        try (KubeScheduler scheduler = KubeScheduler.start(plane, schedulerConfig(), "http://127.0.0.1:" + port)) {
            Map<String, List<String>> victims = fill(kube, ns, pool);
            String high = highPriorityPod(kube, ns);
            List<String> failed = kube.waitEvents(ns, high, "FailedScheduling", Duration.ofSeconds(30));
            assertThat(failed).as("FailedScheduling; kube-scheduler's log:%n%s", scheduler.log()).isNotEmpty();
            Kube.sleep(3000); // a further attempt or two
            assertThat(evicted(kube, ns, victims)).as("evicted pods").isEmpty();
            assertThat(kube.pod(ns, high).path("status").path("nominatedNodeName").asString("")).isEmpty();
            assertThat(unknownCandidates() - unknownBefore).as("candidates osfit dropped as unknown").isGreaterThanOrEqualTo(pool.size());
            System.out.printf("preemption onto nodes standalone osfit never saw: nothing evicted; %s%n", failed.get(0));
        }
    }

    double unknownCandidates() {
        var counter = meters.find("osfit.preempt.candidates").tag("outcome", "unknown").counter();
        return counter == null ? 0 : counter.count();
    }
}
