package dev.osfit.extender;

import dev.osfit.kube.BadRequestException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osfit.match.PodFacts;
import dev.osfit.node.NodePlatform;
import dev.osfit.platform.OsVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExtenderDecoderTest {

    private final ExtenderDecoder decoder = new ExtenderDecoder();

    @ParameterizedTest(name = "{0} decodes")
    @ValueSource(strings = {"filter-args-full-nodes.json", "filter-args-nodenames.json", "filter-args-full-nodes-runtimeclass.json",
            "filter-args-full-nodes-os-windows-build.json", "prioritize-args-full-nodes-linux-nginx.json", "filter-args-nodenames-lowercase.json"})
    void recordedArgsDecode(String file) {
        ExtenderArgs args = decoder.decodeArgs(fixture(file));
        assertThat(args.pod().containers()).isNotEmpty();
        assertThat(args.nodes().size()).isPositive();
    }

    @Test
    void fullNodesKeepNamePlatformAndRevision() {
        RequestNodes nodes = decoder.decodeArgs(fixture("filter-args-full-nodes.json")).nodes();
        assertThat(nodes.full()).isTrue();
        assertThat(nodes.name(0)).isEqualTo("win2019-1");
        assertThat(nodes.platform(0)).isSameAs(NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 17763, 6659)));
        assertThat(nodes.platform(4)).isSameAs(NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 26100, 2605)));
    }

    @Test
    void theRuntimeClassPodCarriesTheMergedSelector() {
        PodFacts pod = decoder.decodeArgs(fixture("filter-args-full-nodes-runtimeclass.json")).pod();
        assertThat(pod.nodeSelector()).containsEntry("node.kubernetes.io/windows-build", "10.0.20348");
        assertThat(pod.ref()).isEqualTo("default/iis-runtimeclass-2022");
    }

    @Test
    void theOsNameAndImagesOfThePodAreRead() {
        PodFacts pod = decoder.decodeArgs(fixture("filter-args-full-nodes-os-windows-build.json")).pod();
        assertThat(pod.osName()).isEqualTo("windows");
        assertThat(pod.containers()).extracting(PodFacts.Container::image).containsExactly("mcr.microsoft.com/windows/servercore:ltsc2022");
    }

    @Test
    void topLevelKeysMatchCaseInsensitivelyAsInGo() {
        ExtenderArgs args = decoder.decodeArgs(utf8("{\"pod\":{\"spec\":{\"containers\":[{\"image\":\"nginx\"}]}},\"nodenames\":[\"a\",\"b\"]}"));
        assertThat(args.nodes().size()).isEqualTo(2);
        assertThat(args.nodes().full()).isFalse();
    }

    @Test
    void nodesFallBackToBetaLabelsThenNodeInfo() {
        String body = "{\"Pod\":{},\"Nodes\":{\"items\":["
                + "{\"metadata\":{\"name\":\"a\",\"labels\":{\"beta.kubernetes.io/os\":\"linux\",\"beta.kubernetes.io/arch\":\"arm64\"}}},"
                + "{\"metadata\":{\"name\":\"b\"},\"status\":{\"nodeInfo\":{\"operatingSystem\":\"windows\",\"architecture\":\"amd64\","
                + "\"kernelVersion\":\"10.0.20348.2966\"}}},"
                + "{\"metadata\":{\"name\":\"c\",\"labels\":{\"kubernetes.io/os\":\"windows\",\"node.kubernetes.io/windows-build\":\"10.0.17763\"}},"
                + "\"status\":{\"nodeInfo\":{\"kernelVersion\":\"10.0.20348.1\"}}}]}}";
        RequestNodes nodes = decoder.decodeArgs(utf8(body)).nodes();
        assertThat(nodes.platform(0)).isEqualTo(NodePlatform.of("linux", "arm64", null));
        assertThat(nodes.platform(1)).isEqualTo(NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 20348, 2966)));
        // A kernel of another build than the label does not lend its revision: the label wins.
        assertThat(nodes.platform(2)).isEqualTo(NodePlatform.of("windows", null, new OsVersion(10, 0, 17763, OsVersion.UNKNOWN)));
    }

    @Test
    void eachNodeKeepsItsExactBytes() {
        String node = "{ \"metadata\" : {\"name\":\"n\u00e9\",\"labels\":{\"kubernetes.io/os\":\"linux\"}},\"x\":[1,{\"y\":\"\\\"}\"}] }";
        byte[] body = utf8("{\"Pod\":{},\"Nodes\":{\"items\":[" + node + "]}}");
        RequestNodes nodes = decoder.decodeArgs(body).nodes();
        JsonOut out = new JsonOut(16);
        nodes.writeNode(out, 0);
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(node);
    }

    @Test
    void preemptionVictimsFromFullPodsAndFromUids() {
        PreemptionArgs full = decoder.decodePreemption(fixture("preempt-args-node-name-to-victims.json"));
        PreemptionArgs meta = decoder.decodePreemption(fixture("preempt-args-node-name-to-meta-victims.json"));
        assertThat(full.candidates()).extracting(PreemptionArgs.NodeVictims::node).containsExactly("linux-amd64-1", "linux-amd64-2", "linux-arm64-1");
        assertThat(full.candidates()).allSatisfy(c -> assertThat(c.victimUids()).hasSize(2));
        assertThat(meta.candidates()).allSatisfy(c -> assertThat(c.victimUids()).hasSize(2));
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "[".repeat(dev.osfit.kube.PodReader.MAX_NESTING_DEPTH + 10);
        assertThatThrownBy(() -> decoder.decodeArgs(utf8("{\"Pod\":{},\"Extra\":" + deep)))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("nesting depth");
    }

    /**
     * Plain names are looked up by the bytes they came as, and copied back; a request with an escaped
     * or non-ASCII name is decoded to Strings. Either way the same nodes are found and the answer
     * names them as JSON says they are named.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"win-1\",\"lin-1\",\"gone\"", "\"win-1\",\"lin\\u002d1\",\"gone\"", "\"win-1\",\"lin-1\",\"nöde-1\"",
            "\"win-1\", \"lin-1\" ,\"gone\""})
    void namesAreFoundAndAnsweredAlikeWhetherPlainEscapedOrBeyondAscii(String names) throws Exception {
        NodePlatform windows = NodePlatform.of("windows", "amd64", new OsVersion(10, 0, 20348, 1));
        NodePlatform linux = NodePlatform.of("linux", "amd64", null);
        dev.osfit.node.NodeSnapshot snapshot = dev.osfit.node.NodeSnapshot.of(java.util.Map.of("win-1", windows, "lin-1", linux, "nöde-1", linux), true);
        RequestNodes nodes = decoder.decodeArgs(utf8("{\"Pod\":{\"spec\":{\"containers\":[{\"image\":\"nginx\"}]}},\"NodeNames\":[" + names + "]}"))
                .nodes().resolve(snapshot);
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        List<String> expected = List.of(json.readValue("[" + names + "]", String[].class));

        assertThat(nodes.platform(0)).isSameAs(windows);
        assertThat(nodes.platform(1)).isSameAs(linux);
        assertThat(nodes.platform(2)).isSameAs(expected.get(2).equals("gone") ? NodePlatform.NOT_INDEXED : linux);
        JsonOut out = new JsonOut(8).raw('[');
        for (int i = 0; i < nodes.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            nodes.writeName(out, i);
            assertThat(nodes.name(i)).isEqualTo(expected.get(i));
        }
        assertThat(List.of(json.readValue(out.raw(']').toByteArray(), String[].class))).isEqualTo(expected);
    }

    @Test
    void encodedStringsAreEscaped() {
        byte[] error = ExtenderEncoder.error("a\"b\\c\nd\u0001 é 😀 \ud800");
        assertThat(new String(error, StandardCharsets.UTF_8)).isEqualTo("{\"Error\":\"a\\\"b\\\\c\\u000ad\\u0001 é 😀 \ufffd\"}");
    }

    @Test
    void preemptAnswerListsUidsAndPdbViolations() {
        byte[] answer = ExtenderEncoder.preempt(List.of(new PreemptionArgs.NodeVictims("n1", List.of("u1", "u2"), 1)));
        assertThat(new String(answer, StandardCharsets.UTF_8))
                .isEqualTo("{\"NodeNameToMetaVictims\":{\"n1\":{\"Pods\":[{\"UID\":\"u1\"},{\"UID\":\"u2\"}],\"NumPDBViolations\":1}}}");
    }

    @Test
    void numbersAreWrittenInDecimal() {
        JsonOut out = new JsonOut(8);
        for (long n : new long[] {0, 7, 10, 99, 1234567890123L, -5, Long.MIN_VALUE, Long.MAX_VALUE}) {
            out.number(n).raw(',');
        }
        assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII))
                .isEqualTo("0,7,10,99,1234567890123,-5," + Long.MIN_VALUE + "," + Long.MAX_VALUE + ",");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] fixture(String name) {
        try (InputStream in = ExtenderDecoderTest.class.getResourceAsStream("/kube-scheduler/v1.32.5/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void moreNodesThanAnyClusterHasAreRefused() {
        String names = "{\"Pod\":{},\"NodeNames\":[" + "\"n\",".repeat(ExtenderDecoder.MAX_NODES) + "\"n\"]}";
        assertThatThrownBy(() -> decoder.decodeArgs(utf8(names))).isInstanceOf(BadRequestException.class)
                .hasMessage("NodeNames: more than 50000 nodes in one request");
        String nodes = "{\"Pod\":{},\"Nodes\":{\"items\":[" + "{\"metadata\":{\"name\":\"n\"}},".repeat(ExtenderDecoder.MAX_NODES)
                + "{\"metadata\":{\"name\":\"n\"}}]}}";
        assertThatThrownBy(() -> decoder.decodeArgs(utf8(nodes))).isInstanceOf(BadRequestException.class)
                .hasMessage("Nodes.items: more than 50000 nodes in one request");
        assertThat(decoder.decodeArgs(utf8("{\"Pod\":{},\"NodeNames\":[" + "\"n\",".repeat(ExtenderDecoder.MAX_NODES - 1) + "\"n\"]}"))
                .nodes().size()).isEqualTo(ExtenderDecoder.MAX_NODES);
    }
}
