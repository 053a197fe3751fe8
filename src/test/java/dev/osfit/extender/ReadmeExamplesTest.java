package dev.osfit.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Every curl example in README.md, sent to osfit: the answer is exactly the one the README shows. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class ReadmeExamplesTest {

    private static final Pattern CURL = Pattern.compile("curl -s localhost:8888(/\\w+) .*-d @(examples/\\S+\\.json)");

    @Autowired
    WebTestClient client;

    /** text: asked with Accept: text/plain, documented as a whole text block rather than one json line. */
    record Example(String path, String file, boolean jqSummary, boolean text, String documented) {
    }

    @Test
    void everyCurlExamplePrintsTheDocumentedAnswer() throws IOException {
        List<Example> examples = examples(Files.readString(Path.of("README.md")));
        assertThat(examples).hasSizeGreaterThanOrEqualTo(3);
        for (Example e : examples) {
            byte[] answer = client.post().uri(e.path()).contentType(MediaType.APPLICATION_JSON)
                    .accept(e.text() ? MediaType.TEXT_PLAIN : MediaType.APPLICATION_JSON)
                    .bodyValue(Files.readAllBytes(Path.of(e.file())))
                    .exchange().expectStatus().isOk()
                    .expectBody(byte[].class).returnResult().getResponseBody();
            String shown = e.jqSummary() ? summary(answer) : new String(answer, StandardCharsets.UTF_8);
            assertThat(shown).as("%s %s", e.path(), e.file()).isEqualTo(e.documented());
        }
    }

    /** What README's jq filter prints: {passed: [.Nodes.items[].metadata.name], FailedAndUnresolvableNodes}. */
    private static String summary(byte[] answer) {
        JsonNode out = Fixtures.json(answer);
        ObjectNode s = Fixtures.JSON.createObjectNode();
        var passed = s.putArray("passed");
        out.get("Nodes").get("items").values().forEach(n -> passed.add(n.get("metadata").get("name").asString()));
        s.set("FailedAndUnresolvableNodes", out.get("FailedAndUnresolvableNodes"));
        return Fixtures.JSON.writeValueAsString(s);
    }

    /** Each curl line, whether it pipes into jq, and the first line of the json block after it. */
    static List<Example> examples(String readme) {
        List<Example> out = new ArrayList<>();
        String[] lines = readme.split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher m = CURL.matcher(lines[i]);
            if (!m.find()) {
                continue;
            }
            boolean jq = lines[i].endsWith("\\") && lines[i + 1].contains("| jq");
            boolean text = lines[i].contains("Accept: text/plain");
            String block = text ? "```text" : "```json";
            int j = i + 1;
            while (!lines[j].equals(block)) {
                j++;
            }
            StringBuilder documented = new StringBuilder(lines[j + 1]);
            if (text) {
                documented.append('\n');
                for (int k = j + 2; !lines[k].equals("```"); k++) {
                    documented.append(lines[k]).append('\n');
                }
            }
            out.add(new Example(m.group(1), m.group(2), jq, text, documented.toString()));
        }
        return out;
    }
}
