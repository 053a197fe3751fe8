package dev.osfit.controlplane;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Standalone osfit (no node index: nodes come in each request) behind a real kube-scheduler with the
 * shipped {@code scheduler-config/osfit-full-nodes.yaml}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "osfit.nodes.source=request")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FullNodesRealSchedulerTest extends RealSchedulerScenarios {

    @Override
    String schedulerConfig() {
        return "osfit-full-nodes.yaml";
    }

    @Override
    String namespace() {
        return "full-nodes";
    }
}
