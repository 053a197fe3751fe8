package dev.osfit.kube;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The one loop every streaming reader of Kubernetes JSON runs: for each property of the object the
 * parser is in, hand the name and value token to a reader, and skip what it does not take without
 * building it. Plus the checks and messages those readers share.
 */
public final class JsonFields {

    /** Reads one property's value (the parser is on its first token) and says whether it did. */
    @FunctionalInterface
    public interface FieldReader {
        boolean read(String name, JsonToken value);
    }

    private JsonFields() {
    }

    /**
     * Up to and including the END_OBJECT of the object whose START_OBJECT the parser has just
     * returned: each property to {@code reader}; values it does not take are skipped.
     */
    public static void forEachField(JsonParser p, FieldReader reader) {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (!reader.read(name, value)) {
                p.skipChildren();
            }
        }
    }

    /** A string value or null; anything else is bad input, named by {@code where}. */
    public static String string(JsonParser p, JsonToken t, String where) {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new BadRequestException(where + ": expected a string, found " + describe(t));
        }
        return p.getString();
    }

    public static void expect(JsonToken actual, JsonToken expected, String where) {
        if (actual != expected) {
            throw new BadRequestException(where + ": expected " + describe(expected) + ", found " + describe(actual));
        }
    }

    /** A token in words, for messages. */
    public static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case END_OBJECT -> "the end of an object";
            case END_ARRAY -> "the end of an array";
            case PROPERTY_NAME -> "a property name";
            default -> t.name();
        };
    }
}
