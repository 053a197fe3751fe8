package dev.osfit.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osfit.node.NodeIndex;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTimeoutsTest {

    @Test
    void watchLengthsSpreadBetweenTheMinimumAndTwiceIt() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            int seconds = ApiTimeouts.watchSeconds(Duration.ofMinutes(5));
            assertThat(seconds).isBetween(300, 599);
            seen.add(seconds);
        }
        // 2000 draws from 300 values: all but a handful show up unless the jitter is broken.
        assertThat(seen.size()).isGreaterThan(250);
    }

    @Test
    void aSubSecondMinimumStillAsksForASecond() {
        assertThat(ApiTimeouts.watchSeconds(Duration.ofMillis(10))).isEqualTo(1);
    }

    @Test
    void aGetTheServerNeverAnswersFailsAfterTheRequestTimeoutNamingTheSetting(@TempDir Path dir) {
        try (ApiServerStub api = new ApiServerStub()) {
            api.server.stubFor(get(urlPathEqualTo("/api/v1/namespaces/default/pods/web")).willReturn(ApiServerStub.silent(30_000)));
            CoreV1Api core = new CoreV1Api(ClusterAccess.apiClient(api.kubeconfig(dir).toString(), Duration.ofMillis(500),
                    WatchTracker.factory(new NodeIndex())));

            long started = System.nanoTime();
            assertThatThrownBy(() -> core.readNamespacedPod("web", "default").execute())
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("did not answer within 500ms (osfit.nodes.request-timeout)");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
