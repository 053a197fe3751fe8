package dev.osfit.kube;

import dev.osfit.match.PodFacts;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a v1.Pod into {@link PodFacts}, the same way wherever the pod comes from: inside an extender
 * request (a streaming parser positioned at the pod), an AdmissionReview's object (its bytes inside the
 * review), a JSON tree (the gate controller's pods), or the API server's answer (bytes). One streaming
 * reader ({@code PodJson}) takes only the fields osfit reads; everything else is skipped by the parser
 * without being built. Thread-safe.
 */
public final class PodReader {

    /** Deeper than any real pod or node; bounds the parser's stack on hostile input. */
    public static final int MAX_NESTING_DEPTH = 200;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build())
            .build();

    private PodReader() {
    }

    /** A parser over Kubernetes JSON with the limits every reader here applies. */
    public static JsonParser parser(byte[] json) {
        return MAPPER.createParser(json);
    }

    /**
     * The pod whose START_OBJECT the parser (from {@link #parser}) has just returned, up to and including
     * its END_OBJECT. Wrong types are bad input, named from {@code where} ("Pod.spec.containers[0].image").
     */
    public static PodFacts read(JsonParser p, String where) {
        JsonFields.expect(p.currentToken(), JsonToken.START_OBJECT, where);
        return PodJson.read(p, where);
    }

    /** A pod given as a JSON tree (the gate controller's, the placement audit's): read from the tree, not re-serialised. */
    public static PodFacts fromTree(JsonNode pod) {
        if (pod == null || !pod.isObject()) {
            throw new BadRequestException("pod: expected an object");
        }
        try (JsonParser p = MAPPER.treeAsTokens(pod)) {
            p.nextToken();
            return PodJson.read(p, "pod");
        }
    }

    /** A pod as the API server sends it. */
    public static PodFacts fromBytes(byte[] json) {
        return fromBytes(json, 0, json.length);
    }

    /** A pod that is {@code length} bytes of {@code json} from {@code offset} (an AdmissionReview's request.object). */
    public static PodFacts fromBytes(byte[] json, int offset, int length) {
        try (JsonParser p = MAPPER.createParser(json, offset, length)) {
            p.nextToken();
            return read(p, "pod");
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /** Bad input from a parser error: where and what, in one line. */
    public static BadRequestException malformed(JacksonException e) {
        StringBuilder b = new StringBuilder("malformed JSON");
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            b.append(" at line ").append(e.getLocation().getLineNr()).append(", column ").append(e.getLocation().getColumnNr());
        }
        return new BadRequestException(b.append(": ").append(firstLine(e.getOriginalMessage())).toString());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
