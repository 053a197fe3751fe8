package dev.osfit.admission;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** RFC 6902 add, as the API server applies it; the webhook emits no other operation (anything else fails here). */
final class JsonPatchForTests {

    private JsonPatchForTests() {
    }

    static JsonNode apply(JsonNode document, JsonNode patch) {
        JsonNode doc = document.deepCopy();
        for (JsonNode op : patch) {
            if (!"add".equals(op.get("op").asString())) {
                throw new AssertionError("unexpected operation " + op);
            }
            String[] tokens = op.get("path").asString().substring(1).split("/", -1);
            JsonNode parent = doc;
            for (int i = 0; i < tokens.length - 1; i++) {
                parent = child(parent, unescape(tokens[i]));
                if (parent == null) {
                    throw new AssertionError("path does not exist: " + op.get("path"));
                }
            }
            String last = unescape(tokens[tokens.length - 1]);
            if (parent instanceof ObjectNode o) {
                o.set(last, op.get("value").deepCopy());
            } else if (parent instanceof ArrayNode a) {
                if ("-".equals(last)) {
                    a.add(op.get("value").deepCopy());
                } else {
                    a.insert(Integer.parseInt(last), op.get("value").deepCopy());
                }
            } else {
                throw new AssertionError("cannot add into " + parent);
            }
        }
        return doc;
    }

    private static JsonNode child(JsonNode node, String token) {
        return node.isArray() ? node.get(Integer.parseInt(token)) : node.get(token);
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}
