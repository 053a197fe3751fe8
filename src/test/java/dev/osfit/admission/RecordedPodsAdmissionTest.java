package dev.osfit.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The pods recorded from a real kube-scheduler, as they are (images on mcr.microsoft.com and Docker
 * Hub, node selectors, tolerations), admitted against the eight example nodes. No registry here, so
 * every source is trusted for this test: whatever osfit hints, the patched pod admits exactly the
 * nodes /filter passes for it among those its own selectors admit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "osfit.admission.certain-sources=registry,annotation,windows-tag,pod-selector")
@AutoConfigureWebTestClient
@Import(AdmissionTest.Index.class)
class RecordedPodsAdmissionTest {

    @Autowired
    WebTestClient client;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"filter-args-full-nodes.json", "filter-args-full-nodes-linux-nginx.json",
            "filter-args-full-nodes-os-windows-build.json", "filter-args-full-nodes-runtimeclass.json",
            "filter-args-full-nodes-after-preemption.json"})
    void theHintAdmitsWhatFilterPasses(String fixture) throws IOException {
        JsonNode pod;
        try (InputStream in = getClass().getResourceAsStream("/kube-scheduler/v1.32.5/" + fixture)) {
            pod = AdmissionTest.JSON.readTree(in.readAllBytes()).get("Pod");
        }
        // kube-scheduler applies the pod's own selectors before it asks osfit, so what the pod may land on is
        // what both its own terms and /filter admit.
        Set<String> expected = new TreeSet<>(AdmissionTest.filterPasses(client, pod));
        expected.retainAll(AdmissionTest.admitted(pod));
        JsonNode patched = AdmissionTest.admit(client, pod);
        assertThat(AdmissionTest.annotation(patched)).startsWith("hinted: ");
        assertThat(AdmissionTest.admitted(patched)).isNotEmpty().isEqualTo(expected);
        assertThat(Stream.of("win2019-1", "win2022-1", "linux-amd64-1").filter(AdmissionTest.admitted(patched)::contains).count())
                .as("one platform family").isEqualTo(1);
    }
}
