package dev.osfit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListWatchFailuresTest {

    static ApiException refused() {
        return new ApiException(new ConnectException("Failed to connect to /127.0.0.1:1"));
    }

    @Test
    void oneLinePerKindOfFailureNotOnePerAttempt() {
        ListWatchFailures failures = new ListWatchFailures();
        List<String> logged = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String line = failures.failed(i < 150 ? refused()
                    : new ApiException("Forbidden", 403, Map.of("Audit-Id", List.of("x")), "{\"kind\":\"Status\",\"message\":\"nodes is forbidden\"}"));
            if (line != null) {
                logged.add(line);
            }
        }
        assertThat(logged).hasSize(2);
        assertThat(logged.get(0)).startsWith("cannot reach the API server (ConnectException: Failed to connect to /127.0.0.1:1) (1 attempt, 1 since start");
        assertThat(logged.get(1)).startsWith("the API server answered HTTP 403: nodes is forbidden (151 attempts in a row, 151 since start")
                .doesNotContain("Audit-Id");
        assertThat(failures.count()).isEqualTo(200);
    }

    @Test
    void thePauseBeforeTheNextListDoublesUpToThirtySeconds() {
        ListWatchFailures failures = new ListWatchFailures();
        assertThat(failures.pauseMillis()).isZero();
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            failures.failed(refused());
            pauses.add(failures.pauseMillis() + 1000); // plus the second client-java waits itself
        }
        assertThat(pauses).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
    }
}
