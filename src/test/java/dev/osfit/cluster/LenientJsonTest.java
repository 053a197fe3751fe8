package dev.osfit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Node;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** client-java's models read JSON from a newer API server once the lenient Gson is installed. */
class LenientJsonTest {

    static final String NODE = "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"newTopLevel\":1,"
            + "\"metadata\":{\"name\":\"n\",\"creationTimestamp\":\"2026-11-21T21:46:58Z\",\"fieldFromTheFuture\":{\"x\":[1,2]}},"
            + "\"spec\":{\"taints\":[{\"key\":\"os\",\"value\":\"windows\",\"effect\":\"NoSchedule\",\"newTaintField\":true}]},"
            + "\"status\":{\"capacity\":{\"cpu\":\"4\",\"memory\":\"16Gi\"},\"nodeInfo\":{\"kernelVersion\":\"10.0.17763.6659\","
            + "\"operatingSystem\":\"windows\",\"architecture\":\"amd64\",\"swap\":{\"capacity\":1}},\"newStatus\":{}}}";

    @Test
    void fieldsTheClientDoesNotKnowAreIgnoredAtEveryLevel() {
        ClusterAccess.installLenientJson();
        V1Node node = JSON.deserialize(NODE, V1Node.class);
        assertThat(node.getMetadata().getName()).isEqualTo("n");
        assertThat(node.getSpec().getTaints()).singleElement().satisfies(t -> assertThat(t.getEffect()).isEqualTo("NoSchedule"));
        assertThat(node.getStatus().getNodeInfo().getKernelVersion()).isEqualTo("10.0.17763.6659");
    }

    @Test
    void timestampsAndQuantitiesReadAndWriteAsBefore() {
        ClusterAccess.installLenientJson();
        V1Node node = JSON.deserialize(NODE, V1Node.class);
        assertThat(node.getMetadata().getCreationTimestamp()).isEqualTo(OffsetDateTime.parse("2026-11-21T21:46:58Z"));
        assertThat(node.getStatus().getCapacity().get("memory").toSuffixedString()).isEqualTo("16Gi");
        String written = JSON.serialize(node);
        assertThat(written).contains("\"memory\":\"16Gi\"");
        V1Node again = JSON.deserialize(written, V1Node.class);
        assertThat(again.getMetadata().getCreationTimestamp()).isEqualTo(node.getMetadata().getCreationTimestamp());
    }

    @Test
    void strippingKeepsOnlyWhatTheIndexReads() {
        ClusterAccess.installLenientJson();
        V1Node stripped = (V1Node) new NodeStripper().transform(JSON.deserialize(NODE, V1Node.class));
        assertThat(stripped.getSpec()).isNull();
        assertThat(stripped.getStatus().getCapacity()).isNull();
        assertThat(stripped.getStatus().getImages()).isNull();
        assertThat(stripped.getMetadata().getAnnotations()).isNull();
        assertThat(stripped.getMetadata().getManagedFields()).isNull();
        assertThat(stripped.getMetadata().getCreationTimestamp()).isNull();
        assertThat(NodeStripper.platformOf(stripped).toString()).isEqualTo("windows/amd64 10.0.17763.6659");
        assertThat(new NodeStripper().transform(stripped)).as("stripping twice keeps one object").isSameAs(stripped);
    }

    @Test
    void aLinuxNodeWhoseLabelsSayEverythingKeepsNoStatus() {
        V1Node full = JSON.deserialize(NODE.replace("\"windows\"", "\"linux\"").replace("\"metadata\":{\"name\":\"n\",",
                "\"metadata\":{\"name\":\"n\",\"labels\":{\"kubernetes.io/os\":\"linux\",\"kubernetes.io/arch\":\"arm64\","
                        + "\"beta.kubernetes.io/os\":\"linux\",\"kubernetes.io/hostname\":\"n\"},"), V1Node.class);
        V1Node stripped = (V1Node) new NodeStripper().transform(full);
        assertThat(stripped.getStatus()).isNull();
        assertThat(stripped.getMetadata().getLabels()).containsOnlyKeys("kubernetes.io/os", "kubernetes.io/arch");
        assertThat(NodeStripper.platformOf(stripped)).isEqualTo(NodeStripper.platformOf(full));
    }
}
