package dev.osfit.cluster;

import dev.osfit.node.NodeIndex;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code nodeIndex} in /actuator/health and the readiness group: DOWN until the first full node list
 * is indexed (names-only requests cannot be answered before), UP afterwards even while the API server
 * is unreachable, because the last snapshot keeps serving; the details say how old it may be.
 */
final class NodeIndexHealthIndicator implements HealthIndicator {

    private final NodeIndex index;

    NodeIndexHealthIndicator(NodeIndex index) {
        this.index = index;
    }

    @Override
    public Health health() {
        Health.Builder health = index.synced() ? Health.up() : Health.down().withDetail("reason", "first node list not indexed yet");
        return health.withDetail("source", "cluster")
                .withDetail("nodes", index.snapshot().size())
                .withDetail("watchConnected", index.isConnected())
                .withDetail("snapshotAgeSeconds", index.ageMillis() < 0 ? -1 : index.ageMillis() / 1000.0)
                .build();
    }
}
