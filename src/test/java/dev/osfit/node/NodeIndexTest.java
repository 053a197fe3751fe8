package dev.osfit.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.platform.OsVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NodeIndexTest {

    static final NodePlatform LINUX = NodePlatform.of("linux", "amd64", null);
    static final NodePlatform WIN_17763 = NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 17763, 6659));
    static final NodePlatform WIN_20348 = NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 20348, 2966));

    final AtomicLong now = new AtomicLong(1_000_000);
    final NodeIndex index = new NodeIndex(now::get);

    @Test
    void nothingIsVisibleOrCompleteBeforeTheFirstListIsSynced() {
        index.put("a", LINUX);
        index.publishIfChanged();
        assertThat(index.snapshot().ready()).isFalse();
        assertThat(index.snapshot().complete()).isFalse();
        index.markSynced();
        assertThat(index.snapshot().platformOf("a")).isSameAs(LINUX);
        assertThat(index.snapshot().complete()).isTrue();
    }

    @Test
    void aBurstOfEventsIsOneSnapshot() {
        index.markSynced();
        NodeSnapshot before = index.snapshot();
        for (int i = 0; i < 1000; i++) {
            index.put("n" + i, i % 2 == 0 ? LINUX : WIN_17763);
        }
        assertThat(index.snapshot()).as("readers keep the old snapshot until publish").isSameAs(before);
        assertThat(index.publishIfChanged()).isTrue();
        assertThat(index.snapshot().size()).isEqualTo(1000);
        assertThat(index.publishIfChanged()).isFalse();
    }

    @Test
    void anUpdateThatKeepsThePlatformPublishesNothing() {
        index.put("a", WIN_17763);
        index.markSynced();
        NodeSnapshot before = index.snapshot();
        assertThat(index.put("a", NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 17763, 6659)))).isFalse();
        assertThat(index.publishIfChanged()).isFalse();
        assertThat(index.snapshot()).isSameAs(before);
    }

    @Test
    void anOsUpgradeAndADeleteShowInTheNextSnapshot() {
        index.put("a", WIN_17763);
        index.put("b", LINUX);
        index.markSynced();
        assertThat(index.put("a", WIN_20348)).isTrue();
        index.remove("b");
        index.publishIfChanged();
        assertThat(index.snapshot().platformOf("a")).isSameAs(WIN_20348);
        assertThat(index.snapshot().platformOf("b")).isNull();
        assertThat(index.snapshot().byPlatform()).containsOnlyKeys(new NodeSnapshot.PlatformKey("windows", "amd64", "10.0.20348"));
    }

    @Test
    void aRelistReplacesEveryNode() {
        index.put("a", LINUX);
        index.put("b", LINUX);
        index.markSynced();
        index.replaceAll(Map.of("b", WIN_17763, "c", LINUX));
        index.publishIfChanged();
        assertThat(index.snapshot().platformOf("a")).isNull();
        assertThat(index.snapshot().platformOf("b")).isSameAs(WIN_17763);
        assertThat(index.snapshot().byPlatform().get(new NodeSnapshot.PlatformKey("linux", "amd64", null))).isEqualTo(List.of("c"));
    }

    @Test
    void ageIsZeroWhileAWatchIsOpenAndGrowsAfter() {
        assertThat(index.ageMillis()).isEqualTo(-1);
        index.watchOpened();
        now.addAndGet(60_000);
        assertThat(index.ageMillis()).isZero();
        index.watchClosed();
        now.addAndGet(5_000);
        assertThat(index.ageMillis()).isEqualTo(5_000);
        index.watchClosed();
        assertThat(index.isConnected()).as("an extra close does not go negative").isFalse();
    }
}
