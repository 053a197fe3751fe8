package dev.osfit.cluster;

import static dev.osfit.cluster.ApiServerStub.bookmark;
import static dev.osfit.cluster.ApiServerStub.event;
import static dev.osfit.cluster.ApiServerStub.events;
import static dev.osfit.cluster.ApiServerStub.expired;
import static dev.osfit.cluster.ApiServerStub.idle;
import static dev.osfit.cluster.ApiServerStub.linux;
import static dev.osfit.cluster.ApiServerStub.list;
import static dev.osfit.cluster.ApiServerStub.reset;
import static dev.osfit.cluster.ApiServerStub.silent;
import static dev.osfit.cluster.ApiServerStub.status;
import static dev.osfit.cluster.ApiServerStub.windows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.node.NodeIndex;
import dev.osfit.node.NodePlatform;
import dev.osfit.platform.OsVersion;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The informer against WireMock as the API server: contents, sync, faults and recovery. */
class NodeInformerTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    /** Short API timeouts, so that giving up on a silent server shows within a test's wait. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    static final Duration WATCH_TIMEOUT = Duration.ofSeconds(2);

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
        start(api.kubeconfig(dir));
    }

    void start(Path kubeconfig) {
        index = new NodeIndex();
        informer = new NodeInformer(index,
                ClusterAccess.apiClient(kubeconfig.toString(), REQUEST_TIMEOUT, WatchTracker.factory(index)),
                Duration.ofMillis(20), WATCH_TIMEOUT);
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

    /** An API server that keeps failing is asked less and less often (1, 2, 4 s apart, ...), not every second. */
    @Test
    void anApiServerThatKeepsFailingIsAskedLessAndLessOften() throws Exception {
        api.lists(status(500));
        api.watches(idle());
        start();
        Thread.sleep(8_500);
        int lists = api.server.countRequestsMatching(com.github.tomakehurst.wiremock.client.WireMock
                .getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/nodes")).build()).getCount();
        // Attempts at about 0, 1, 3 and 7 s; a retry every second would have made 9.
        assertThat(lists).as("list attempts in 8.5 s").isBetween(3, 5);
        assertThat(informer.failures()).isEqualTo(lists);
        assertThat(index.synced()).isFalse();
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

        // A watch sent while the stub was stopping can be accepted and never answered (twice in 53 runs
        // with two busy loops on the 2 cores): the request timeout gives up on it and the informer relists.
        await().atMost(WAIT).until(() -> platform("e") != null);
        await().atMost(WAIT).until(() -> index.isConnected() || index.ageMillis() < 1000);
    }

    @Test
    void aWatchTheServerNeverAnswersIsGivenUpAfterTheRequestTimeout() {
        api.lists(list("10", linux("a", "amd64", "1")));
        api.watches(silent(60_000), events(event("ADDED", windows("e", "10.0.17763", 5, "11"))), idle());
        start();

        // Without a bound the informer would wait the full minute on the first watch.
        await().atMost(WAIT).until(() -> platform("e") != null);
        assertThat(informer.failures()).as("the abandoned watch counts as a failure").isGreaterThanOrEqualTo(1);
        assertThat(platform("a")).isSameAs(LINUX_AMD64);
    }

    @Test
    void aListTheServerNeverAnswersIsGivenUpAfterTheRequestTimeout() {
        api.lists(silent(60_000), list("10", linux("a", "amd64", "1")));
        api.watches(idle());
        start();

        await().atMost(WAIT).until(index::synced);
        assertThat(platform("a")).isSameAs(LINUX_AMD64);
        assertThat(informer.failures()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aWatchStreamThatGoesSilentIsDroppedOnceItOutlivesTheLengthItAskedFor() throws Exception {
        // WireMock holds back the headers of a dribbled answer, so a JDK server plays this API server:
        // the first watch sends its headers and a bookmark at once, then nothing for 40 s (longer than
        // the 2 to 3 s it asked for plus the request timeout); the next watch brings node e.
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        AtomicInteger watches = new AtomicInteger();
        CountDownLatch stop = new CountDownLatch(1);
        server.createContext(ApiServerStub.PATH, exchange -> {
            boolean watch = exchange.getRequestURI().getQuery().contains("watch=true");
            String body = !watch ? "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"10\"},\"items\":["
                    + linux("a", "amd64", "1") + "]}"
                    : watches.incrementAndGet() == 1 ? bookmark("10") + "\n"
                    : event("ADDED", windows("e", "10.0.17763", 5, "11")) + "\n";
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (watch && watches.get() == 1) {
                    stop.await(40, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try {
            long started = System.nanoTime();
            start(ApiServerStub.kubeconfig(dir, "http://127.0.0.1:" + server.getAddress().getPort()));

            await().atMost(WAIT).until(() -> platform("e") != null);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
            assertThat(informer.failures()).as("a read timeout on the stream, not the request timeout").isZero();
        } finally {
            stop.countDown();
            server.stop(0);
            handlers.shutdown();
        }
    }

    @Test
    void eachWatchAsksTheServerToEndItAfterTheConfiguredLengthAtMostDoubled() {
        api.lists(list("10", linux("a", "amd64", "1")));
        api.watches(idle());
        start();

        await().atMost(WAIT).until(() -> api.watchTimeouts().size() >= 3);
        assertThat(api.watchTimeouts()).allSatisfy(t -> assertThat(t).isBetween(2, 3));
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
