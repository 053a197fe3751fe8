package dev.osfit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
}
