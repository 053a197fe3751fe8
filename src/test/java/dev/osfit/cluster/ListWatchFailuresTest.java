package dev.osfit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListWatchFailuresTest {

    @Test
    void theFirstThreeFailuresAreLoggedThenOneInSixty() {
        ListWatchFailures failures = new ListWatchFailures();
        List<Long> logged = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            if (failures.countAndLog()) {
                logged.add(failures.count());
            }
        }
        assertThat(logged).containsExactly(1L, 2L, 3L, 60L, 120L, 180L);
        assertThat(failures.count()).isEqualTo(200);
    }
}
