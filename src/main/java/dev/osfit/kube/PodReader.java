package dev.osfit.kube;

import dev.osfit.match.PodFacts;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads a v1.Pod into {@link PodFacts}, the same way wherever the pod comes from: inside an extender
 * request (a streaming parser positioned at the pod), an AdmissionReview's object (its bytes inside the
 * review), a JSON tree (the gate controller's pods), or the API server's answer (bytes). The pod is bound
 * to narrow records ({@code PodJson}): only the fields osfit reads; everything else is skipped by the
 * parser without being built. Thread-safe.
 */
public final class PodReader {

    /** Deeper than any real pod or node; bounds the parser's stack on hostile input. */
    public static final int MAX_NESTING_DEPTH = 200;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
            // The pod is bound in the middle of a request stream; what follows it is read by the caller.
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, false)
            // An image given as a number or a boolean is a wrong type, not a string.
            .withCoercionConfig(LogicalType.Textual, c -> {
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            })
            .withCoercionConfig(LogicalType.Boolean, c -> {
                c.setCoercion(CoercionInputShape.String, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
            })
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
        try {
            return MAPPER.readValue(p, PodJson.class).toFacts();
        } catch (JacksonException e) {
            if (e.getPath().isEmpty()) {
                throw e;
            }
            throw new BadRequestException(where + path(e) + ": " + firstLine(e.getOriginalMessage()));
        }
    }

    /** A pod given as a JSON tree (an AdmissionReview's request.object): bound from the tree, not re-read from text. */
    public static PodFacts fromTree(JsonNode pod) {
        if (pod == null || !pod.isObject()) {
            throw new BadRequestException("pod: expected an object");
        }
        try {
            return MAPPER.treeToValue(pod, PodJson.class).toFacts();
        } catch (JacksonException e) {
            throw new BadRequestException("pod" + path(e) + ": " + firstLine(e.getOriginalMessage()));
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

    private static String path(JacksonException e) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                b.append('.').append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
