package dev.osfit.controlplane;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * osfit in cluster mode, its node index fed by the real API server, behind a real kube-scheduler with
 * the shipped {@code scheduler-config/osfit-names.yaml} (nodeCacheCapable: only names are sent).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class NamesRealSchedulerTest extends RealSchedulerScenarios {

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        ControlPlane plane = plane();
        registry.add("osfit.nodes.source", () -> "cluster");
        registry.add("osfit.nodes.kubeconfig", () -> plane.kubeconfig().toString());
    }

    @Autowired
    WebTestClient client;

    @Override
    String schedulerConfig() {
        return "osfit-names.yaml";
    }

    @Override
    String namespace() {
        return "names";
    }

    @Override
    void awaitOsfit() {
        String names = String.join("\",\"", NODES.keySet());
        String body = "{\"Pod\":{\"metadata\":{\"name\":\"probe\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"" + IIS_2019 + "\"}]}},\"NodeNames\":[\"" + names + "\"]}";
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            byte[] out = client.post().uri("/filter").header("Content-Type", "application/json").bodyValue(body)
                    .exchange().expectBody(byte[].class).returnResult().getResponseBody();
            return out != null && allIndexed(Kube.JSON.readTree(out));
        });
    }
}
