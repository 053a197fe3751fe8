package dev.osfit.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.platform.OsVersion;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The snapshot's table answers exactly as a map would, one name or many at a time. */
class NodeSnapshotTest {

    @Test
    void platformsCountNodesPerLabelCombinationWhateverTheirRevision() {
        NodeSnapshot snapshot = NodeSnapshot.of(Map.of(
                "w1", NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.17763.6659")),
                "w2", NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.17763.5000")),
                "w3", NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.20348.2966")),
                "l1", NodePlatform.of("linux", "arm64", null)), true);
        Map<String, Integer> counts = new HashMap<>();
        snapshot.platforms().forEach((p, n) -> counts.put(p.os() + "/" + p.architecture() + " "
                + (p.windowsVersion() == null ? "-" : p.windowsVersion().buildString()), n));
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("windows/amd64 10.0.17763", 2, "windows/amd64 10.0.20348", 1,
                "linux/arm64 -", 1));
    }

    @Test
    void everyNameIsFoundAndNoOtherAgreesWithAMap() {
        Random random = new Random(7);
        NodePlatform[] kinds = {NodePlatform.of("linux", "amd64", null), NodePlatform.of("linux", "arm64", null),
                NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 17763, 6659))};
        Map<String, NodePlatform> expected = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            expected.put("node-" + Integer.toString(random.nextInt(1 << 30), 36) + "-" + i, kinds[i % 3]);
        }
        expected.put("", kinds[0]);
        expected.put("ünicode-node", kinds[2]);
        expected.put("wide-\u0101-node", kinds[1]); // beyond Latin-1: kept apart from the byte table
        expected.put("low-\u0001-node", kinds[0]); // the same low byte as a wide char in the query below
        NodeSnapshot snapshot = NodeSnapshot.of(expected, true);
        String[] names = new String[expected.size() + 5];
        int n = 0;
        for (String name : expected.keySet()) {
            names[n++] = new String(name.toCharArray()); // other instances, as a request brings them
        }
        names[n++] = "node-missing";
        names[n++] = "node-0-0-but-longer-than-every-stored-name-so-surely-missing";
        names[n++] = "n";
        names[n++] = "wide-\u0001-node";
        names[n++] = "low-\u0101-node";
        NodePlatform[] out = new NodePlatform[names.length];
        snapshot.platformsOf(names, names.length, out, NodePlatform.NOT_INDEXED);
        for (int i = 0; i < names.length; i++) {
            NodePlatform want = expected.getOrDefault(names[i], NodePlatform.NOT_INDEXED);
            assertThat(out[i]).as(names[i]).isSameAs(want);
            assertThat(snapshot.platformOf(names[i])).isSameAs(expected.get(names[i]));
        }
        assertThat(snapshot.size()).isEqualTo(expected.size());
    }

    @Test
    void anEmptySnapshotFindsNothing() {
        NodeSnapshot empty = NodeSnapshot.of(Map.of(), true);
        NodePlatform[] out = new NodePlatform[1];
        empty.platformsOf(new String[] {"a"}, 1, out, NodePlatform.NOT_INDEXED);
        assertThat(out[0]).isSameAs(NodePlatform.NOT_INDEXED);
        assertThat(empty.platformOf("a")).isNull();
    }
}
