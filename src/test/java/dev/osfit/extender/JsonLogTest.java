package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.logging.LoggingSystem;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** logging.structured.format.console=ecs: every line is JSON; at debug, one line per filter decision. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.structured.format.console=ecs", "logging.level.dev.osfit.extender=debug"})
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class JsonLogTest {

    @Autowired
    WebTestClient client;

    /**
     * Spring Boot hands the format to Logback through a JVM-wide system property, and the level stays
     * on the logger: both would outlive this test's context and reach the next tests' logs.
     */
    @AfterAll
    static void restoreLogging() {
        System.clearProperty("CONSOLE_LOG_STRUCTURED_FORMAT");
        LoggingSystem.get(JsonLogTest.class.getClassLoader()).setLogLevel("dev.osfit.extender", null);
    }

    @Test
    void oneJsonLinePerDecision(CapturedOutput output) {
        client.post().uri(Routes.FILTER).contentType(MediaType.APPLICATION_JSON).bodyValue(Fixtures.bytes("filter-args-full-nodes.json"))
                .exchange().expectStatus().isOk();
        List<JsonNode> decisions = output.getOut().lines().filter(l -> l.startsWith("{")).map(l -> Fixtures.JSON.readTree(l))
                .filter(j -> j.path("message").asString().startsWith("filter default/iis-2019")).toList();
        assertThat(decisions).singleElement().satisfies(line -> {
            assertThat(line.get("log").get("level").asString()).isEqualTo("DEBUG");
            assertThat(line.get("message").asString()).contains("5 nodes (full): 2 pass, 0 failed, 3 unresolvable");
        });
    }
}
