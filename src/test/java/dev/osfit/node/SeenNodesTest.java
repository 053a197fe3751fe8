package dev.osfit.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.osfit.platform.OsVersion;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SeenNodesTest {

    static final NodePlatform WIN2019 = NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.17763"));
    static final NodePlatform WIN2022 = NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.20348"));
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final Ticker ticker = now::get;

    @Test
    void aNodeSeenIsKnownWithItsLatestPlatform() {
        SeenNodes seen = new SeenNodes(Duration.ofHours(1), ticker);
        assertThat(seen.platformOf("win-1")).isNull();
        seen.record("win-1", WIN2019);
        assertThat(seen.platformOf("win-1")).isSameAs(WIN2019);
        seen.record("win-1", WIN2022); // relabelled in place
        assertThat(seen.platformOf("win-1")).isSameAs(WIN2022);
    }

    @Test
    void aNodeNotSeenAgainWithinForgetAfterIsForgotten() {
        SeenNodes seen = new SeenNodes(Duration.ofHours(1), ticker);
        seen.record("win-1", WIN2019);
        seen.record("win-2", WIN2019);
        for (int minute = 0; minute < 50; minute += 10) {
            now.addAndGet(Duration.ofMinutes(10).toNanos());
            seen.record("win-2", WIN2019); // still in every request
        }
        now.addAndGet(Duration.ofMinutes(20).toNanos());
        assertThat(seen.platformOf("win-1")).as("last seen 70 minutes ago").isNull();
        assertThat(seen.platformOf("win-2")).as("last seen 20 minutes ago").isSameAs(WIN2019);
    }

    @Test
    void unknownPlatformsAreNotRemembered() {
        SeenNodes seen = new SeenNodes(Duration.ofHours(1), ticker);
        seen.record("ghost", NodePlatform.NOT_INDEXED);
        seen.record("nothing", null);
        seen.record(null, WIN2019);
        assertThat(seen.platformOf("ghost")).isNull();
        assertThat(seen.platformOf("nothing")).isNull();
    }

    /** Node names come from requests: however many and however long, what is kept stays under the weight. */
    @Test
    void theMemoryKeptIsBoundedByWeightWhateverTheRequestsName() {
        SeenNodes seen = new SeenNodes(Duration.ofHours(1), Runnable::run, ticker);
        String padding = "n".repeat(240);
        for (int i = 0; i < 100_000; i++) {
            seen.record(padding + i, WIN2019);
        }
        seen.cleanUp();
        long perEntry = 96 + 2L * (padding.length() + 5);
        assertThat(seen.size() * perEntry).isLessThanOrEqualTo(SeenNodes.MAX_WEIGHT);
        assertThat(seen.size()).isGreaterThan(SeenNodes.MAX_WEIGHT / perEntry / 2);
    }
}
