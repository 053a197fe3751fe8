package dev.osfit.cluster;

import static dev.osfit.cluster.ApiServerStub.bookmark;
import static dev.osfit.cluster.ApiServerStub.event;
import static dev.osfit.cluster.ApiServerStub.events;
import static dev.osfit.cluster.ApiServerStub.expired;
import static dev.osfit.cluster.ApiServerStub.idle;
import static dev.osfit.cluster.ApiServerStub.linux;
import static dev.osfit.cluster.ApiServerStub.list;
import static dev.osfit.cluster.ApiServerStub.reset;
import static dev.osfit.cluster.ApiServerStub.status;
import static dev.osfit.cluster.ApiServerStub.windows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.node.NodeIndex;
import dev.osfit.node.NodePlatform;
import dev.osfit.platform.OsVersion;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The informer against WireMock as the API server: contents, sync, faults and recovery. */
class NodeInformerTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    ApiServerStub api;
    NodeIndex index;
    NodeInformer informer;

    @BeforeEach
    void stub() {
        api = new ApiServerStub();
    }

    @AfterEach
    void stop() {
        if (informer != null) {
            informer.stop();
        }
        api.close();
    }

    void start() {
        index = new NodeIndex();
        informer = new NodeInformer(index, ClusterAccess.apiClient(api.kubeconfig(dir).toString(), WatchTracker.factory(index)),
                Duration.ofMillis(20));
        informer.start();
    }

    NodePlatform platform(String node) {
        return index.snapshot().platformOf(node);
    }

    static NodePlatform win(int build, int revision) {
        return NodePlatform.of("windows", "amd64", new OsVersion(10, 0, build, revision));
    }

    static final NodePlatform LINUX_AMD64 = NodePlatform.of("linux", "amd64", null);

    @Test
    void listThenWatchEventsReachTheIndex() {
        String unknownFields = ",\"fieldFromTheFuture\":{\"x\":[1,2]}";
        api.lists(list("10",
                linux("linux-amd64-1", "amd64", "5"),
                windows("win2019-1", "10.0.17763", 6659, "6"),
                ApiServerStub.node("win2022-1", "windows", "amd64", "10.0.20348", "10.0.20348.2966", "7", unknownFields)));
        api.watches(events(
                        event("ADDED", windows("win2025-1", "10.0.26100", 2605, "11")),
                        // An OS upgrade: the kubelet relabels the node.
                        event("MODIFIED", windows("win2019-1", "10.0.20348", 2966, "12")),
                        event("DELETED", linux("linux-amd64-1", "amd64", "13")),
                        bookmark("14")),
                idle());
        start();

        await().atMost(WAIT).until(() -> index.synced() && platform("win2025-1") != null && platform("linux-amd64-1") == null);
        assertThat(platform("win2019-1")).isSameAs(win(20348, 2966));
        assertThat(platform("win2022-1")).as("a node with fields the client does not know").isSameAs(win(20348, 2966));
        assertThat(platform("win2025-1")).isSameAs(win(26100, 2605));
        assertThat(index.snapshot().size()).isEqualTo(3);
        assertThat(index.snapshot().byPlatform()).containsEntry(
                new dev.osfit.node.NodeSnapshot.PlatformKey("windows", "amd64", "10.0.20348"), java.util.List.of("win2019-1", "win2022-1"));
        await().atMost(WAIT).until(index::isConnected);
        assertThat(index.ageMillis()).isZero();
    }

    @Test
    void goneMeansRelistAndTheRelistReplacesTheNodes() {
        api.lists(list("10", linux("a", "amd64", "1"), linux("b", "arm64", "2")),
                list("20", linux("a", "amd64", "1"), windows("c", "10.0.17763", 1, "19")));
        api.watches(events(expired()), idle());
        start();

        await().atMost(WAIT).until(() -> platform("c") != null);
        assertThat(platform("b")).as("gone after the relist").isNull();
        assertThat(platform("a")).isSameAs(LINUX_AMD64);
    }

    @Test
    void serverErrorsAndResetConnectionsAreRetriedUntilTheListSucceeds() {
        api.lists(status(500), reset(), status(503), list("10", linux("a", "amd64", "1")));
        api.watches(idle());
        start();

        assertThat(index.synced()).isFalse();
        await().atMost(WAIT).until(index::synced);
        assertThat(platform("a")).isSameAs(LINUX_AMD64);
        assertThat(informer.failures()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aDroppedWatchKeepsTheSnapshotAndTheNextWatchCarriesOn() {
        api.lists(list("10", linux("a", "amd64", "1"), linux("b", "arm64", "2")));
        api.watches(reset(), status(500), events(event("ADDED", windows("c", "10.0.26100", 1, "11"))), idle());
        start();

        await().atMost(WAIT).until(() -> platform("c") != null);
        assertThat(platform("a")).isSameAs(LINUX_AMD64);
        assertThat(platform("b")).isSameAs(NodePlatform.of("linux", "arm64", null));
    }

    @Test
    void theApiServerDownAndBack() {
        api.lists(list("10", linux("a", "amd64", "1")));
        api.watches(idle());
        start();
        await().atMost(WAIT).until(index::synced);

        int port = api.server.port();
        api.down();
        await().atMost(WAIT).until(() -> !index.isConnected() && index.ageMillis() > 500);
        assertThat(platform("a")).as("the last snapshot keeps serving").isSameAs(LINUX_AMD64);
        assertThat(index.snapshot().synced()).isTrue();

        api.restart();
        api.lists(list("30", linux("a", "amd64", "1"), windows("d", "10.0.20348", 5, "29")));
        api.watches(events(event("ADDED", windows("e", "10.0.17763", 5, "31"))), idle());
        assertThat(api.server.port()).isEqualTo(port);

        // Usually back within 2 s; generous under a loaded machine (seen once: over 15 s in a full run).
        await().atMost(Duration.ofSeconds(45)).until(() -> platform("e") != null);
        await().atMost(WAIT).until(() -> index.isConnected() || index.ageMillis() < 1000);
    }

    @Test
    void aSlowApiServerDelaysTheSyncButNothingElse() {
        api.lists(list("10", linux("a", "amd64", "1")).withFixedDelay(1500));
        api.watches(idle());
        start();

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(1)).until(() -> !index.synced());
        assertThat(index.snapshot().ready()).isFalse();
        await().atMost(WAIT).until(index::synced);
        assertThat(platform("a")).isSameAs(LINUX_AMD64);
    }
}
