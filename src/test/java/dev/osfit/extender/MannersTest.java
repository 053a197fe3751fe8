package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What a well-kept component answers besides its protocol: 405 with Allow, /actuator/info, --version and --help. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class MannersTest {

    @Autowired
    WebTestClient client;

    @ParameterizedTest(name = "GET {0} is 405 with Allow: POST and the protocol's error body")
    @ValueSource(strings = {"/filter", "/prioritize", "/preempt", "/explain"})
    void anyMethodButPostOnAVerbIs405(String path) {
        client.get().uri(path).exchange().expectStatus().isEqualTo(405)
                .expectHeader().valueEquals("Allow", "POST")
                .expectBody().jsonPath("$.Error").value(e -> assertThat((String) e).startsWith("GET " + path + " is not supported"));
        client.method(HttpMethod.PUT).uri(path).bodyValue("{}").exchange().expectStatus().isEqualTo(405);
    }

    @Test
    void infoSaysTheVersionAndTheCommit() {
        client.get().uri("/actuator/info").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.build.version").value(v -> assertThat((String) v).isNotBlank())
                .jsonPath("$.git.commit.id").exists();
    }

    /** One latency series per verb and status, 15 buckets, and no second copy in http_server_requests. */
    @Test
    void theVerbsAreTimedOnceWithAFewBuckets() {
        client.post().uri("/filter").header("Content-Type", "application/json").bodyValue(Fixtures.bytes("filter-args-full-nodes.json"))
                .exchange().expectStatus().isOk();
        client.get().uri("/actuator/health").exchange().expectStatus().isOk();
        String prometheus = client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        List<String> buckets = prometheus.lines()
                .filter(l -> l.startsWith("osfit_extender_requests_seconds_bucket{") && l.contains("verb=\"filter\"") && l.contains("status=\"200\""))
                .toList();
        assertThat(buckets).hasSize(15).anySatisfy(l -> assertThat(l).contains("le=\"2.0\"")).anySatisfy(l -> assertThat(l).contains("le=\"+Inf\""));
        assertThat(prometheus.lines().filter(l -> l.startsWith("http_server_requests_seconds") && l.contains("uri=\"/filter\"")
                        && l.contains("method=\"POST\""))).as("no second timer for POST /filter").isEmpty();
        assertThat(prometheus).as("other paths keep Spring's timer").contains("uri=\"/actuator/health\"");
    }

    /** A real process: prints, exits 0, and starts no server (well within the time Spring alone takes). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--version", "--help"})
    void versionAndHelpPrintAndExitWithoutStartingTheServer(String option) throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.osfit.OsfitApplication", option)).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isZero();
        assertThat(out).startsWith("osfit ").doesNotContain("Started OsfitApplication", "Netty started");
        if (option.equals("--version")) {
            assertThat(out.strip()).matches("osfit \\S+( \\(commit [0-9a-f]{7,}(, modified)?\\))?");
        } else {
            assertThat(out).contains("Usage: java -jar osfit.jar", "osfit.nodes.source", "--version | --help");
        }
    }
}
