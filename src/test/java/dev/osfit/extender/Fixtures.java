package dev.osfit.extender;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Requests recorded from a real kube-scheduler v1.32.5 (copied from shared/fixtures/kube-scheduler). */
final class Fixtures {

    static final String DIR = "/kube-scheduler/v1.32.5/";
    static final JsonMapper JSON = JsonMapper.builder().build();

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(byte[] bytes) {
        return JSON.readTree(bytes);
    }

    /** One recorded request: fixture file, verb path, and the answer fixture the stub gave. */
    record Recorded(String file, String path, String responseFixture, boolean nodeCacheCapable) {
        @Override
        public String toString() {
            return file;
        }
    }

    /** Every recorded request for a verb osfit serves (bind is not one of them). */
    static List<Recorded> recorded() {
        JsonNode index = json(bytes("http-requests.json"));
        List<Recorded> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : index.properties()) {
            String path = e.getValue().get("path").asString();
            if (path.equals("/filter") || path.equals("/prioritize") || path.equals("/preempt")) {
                out.add(new Recorded(e.getKey(), path, e.getValue().path("response_fixture").asString(null),
                        e.getValue().path("nodeCacheCapable").asBoolean()));
            }
        }
        return out;
    }

    /** The raw text of each element of {@code Nodes.items} in a filter answer or request, in order. */
    static List<String> rawNodeItems(byte[] body) {
        List<String> items = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (key.equals("Nodes") && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String k = p.currentName();
                        JsonToken v = p.nextToken();
                        if (k.equals("items") && v == JsonToken.START_ARRAY) {
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                int start = (int) p.currentTokenLocation().getByteOffset();
                                p.skipChildren();
                                int end = (int) p.currentTokenLocation().getByteOffset() + 1;
                                items.add(new String(body, start, end - start, java.nio.charset.StandardCharsets.UTF_8));
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return items;
    }

    static List<String> names(Iterator<JsonNode> nodes) {
        List<String> out = new ArrayList<>();
        nodes.forEachRemaining(n -> out.add(n.isString() ? n.asString() : n.path("metadata").path("name").asString()));
        return out;
    }
}
