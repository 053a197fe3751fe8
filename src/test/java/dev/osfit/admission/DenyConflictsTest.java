package dev.osfit.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** With osfit.admission.deny-conflicts a pod no node can ever run is rejected, with the reason. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "osfit.admission.deny-conflicts=true")
@AutoConfigureWebTestClient
@Import(AdmissionTest.Index.class)
class DenyConflictsTest {

    @Autowired
    WebTestClient client;

    private JsonNode response(JsonNode pod) {
        ObjectNode review = AdmissionTest.JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", AdmissionTest.UID).put("operation", "CREATE").put("namespace", "default");
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.set("object", pod);
        byte[] out = client.post().uri(AdmissionRoutes.PODS).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(AdmissionTest.JSON.writeValueAsBytes(review)).exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
        return AdmissionTest.JSON.readTree(out).get("response");
    }

    @Test
    void aPodWhoseAnnotatedImagesConflictIsDenied() throws IOException {
        ObjectNode pod = AdmissionTest.pod("mixed", List.of("team/a:1", "team/b:1"), null);
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put("osfit.dev/image-platforms",
                "team/a:1 linux/amd64\nteam/b:1 windows(10.0.17763)/amd64");
        JsonNode response = response(pod);
        assertThat(response.get("allowed").asBoolean()).isFalse();
        assertThat(response.get("status").get("code").asInt()).isEqualTo(403);
        assertThat(response.get("status").get("message").asString())
                .startsWith("osfit: no node can run this pod: pod's images need conflicting platforms {");
        assertThat(response.has("patch")).isFalse();
    }

    @Test
    void aPodOsfitIsNotCertainAboutIsStillAdmitted() throws IOException {
        // Known only from the Windows tag table: a guess, so never a rejection.
        JsonNode pod = AdmissionTest.pod("guess", List.of("mcr.microsoft.com/windows/servercore:ltsc2019",
                "mcr.microsoft.com/windows/servercore:ltsc2022"), null);
        JsonNode response = response(pod);
        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(response.has("warnings")).isFalse();
    }
}
