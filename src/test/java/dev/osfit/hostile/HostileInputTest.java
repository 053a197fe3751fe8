package dev.osfit.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A seeded, reproducible corpus of bad requests (truncated and corrupted JSON, wrong types and nulls
 * at every level, huge arrays and strings, deep nesting, invalid UTF-8, duplicate keys, absurd images,
 * bodies just over the limit, UTF-16 and UTF-32 bodies, platform annotations past their cap, pods naming
 * thousands of registries, more nodes than a request may carry) sent to /filter, /prioritize and /preempt. Every answer must be a 400
 * with a message or a valid protocol answer; never a 5xx, never a hang; and a good request afterwards
 * is answered correctly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "osfit.max-request-size=1MB")
class HostileInputTest {

    static final long SEED = 20261121L;
    static final int LIMIT = 1024 * 1024;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String[] PATHS = {"/filter", "/prioritize", "/preempt"};

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Case(String kind, String path, byte[] body) {
    }

    @Test
    void fifteenHundredBadRequestsGetA400OrAValidAnswerAndNeverA5xx() throws Exception {
        List<Case> corpus = corpus(new Random(SEED));
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(1500);
        List<String> problems = new ArrayList<>();
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (Case c : corpus) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + c.path()))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(c.body())).build(), HttpResponse.BodyHandlers.ofByteArray());
            statuses.merge(r.statusCode(), 1, Integer::sum);
            String problem = check(c, r.statusCode(), r.body());
            if (problem != null) {
                problems.add(c.kind() + " " + c.path() + ": " + problem);
            }
        }
        System.out.println("hostile corpus: " + corpus.size() + " requests, answers by status " + statuses);
        assertThat(problems).isEmpty();
        // The corpus reaches both the decoder's refusals and the matcher (damage osfit need not read).
        assertThat(statuses.getOrDefault(400, 0)).as("%s", statuses).isGreaterThan(300);
        assertThat(statuses.getOrDefault(200, 0)).as("%s", statuses).isGreaterThan(100);
        HttpResponse<byte[]> good = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/filter"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(fixture("filter-args-full-nodes.json"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(good.body()).get("Nodes").get("items").size()).isEqualTo(2);
    }

    /** Null when the answer is acceptable: a 400 with an Error message, or a 200 with the verb's answer shape. */
    static String check(Case c, int status, byte[] body) {
        if (status >= 500) {
            return "status " + status + " " + new String(body, 0, Math.min(200, body.length), StandardCharsets.UTF_8);
        }
        if (status != 200 && status != 400) {
            return "status " + status;
        }
        // These shapes have one right answer: no verb reads UTF-16/32, and filter and prioritize cap the nodes.
        if (status != 400 && (c.kind().equals("utf16-32") || c.kind().equals("too-many-nodes") && !c.path().equals("/preempt"))) {
            return "status " + status + ", expected 400";
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (RuntimeException e) {
            // A passing node is returned byte for byte, including bytes osfit never had to read.
            return status == 200 && c.kind().equals("invalid-utf8") ? null : "answer is not JSON: " + e.getMessage();
        }
        if (status == 400) {
            return answer.path("Error").isString() && !answer.get("Error").asString().isEmpty() ? null : "400 without an Error message";
        }
        return switch (c.path()) {
            case "/filter" -> answer.has("FailedNodes") && answer.has("Error") ? null : "not a filter answer";
            case "/prioritize" -> answer.isArray() ? null : "not a priority list";
            default -> answer.has("NodeNameToMetaVictims") ? null : "not a preemption answer";
        };
    }

    static List<Case> corpus(Random random) {
        byte[][] valid = {fixture("filter-args-full-nodes.json"), fixture("filter-args-nodenames.json"),
                fixture("prioritize-args-full-nodes-linux-nginx.json"), fixture("preempt-args-node-name-to-victims.json"),
                fixture("preempt-args-node-name-to-meta-victims.json")};
        String[] validPaths = {"/filter", "/filter", "/prioritize", "/preempt", "/preempt"};
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            int v = random.nextInt(valid.length);
            byte[] base = valid[v];
            String path = random.nextInt(4) == 0 ? PATHS[random.nextInt(3)] : validPaths[v];
            switch (i % 15) {
                case 0 -> out.add(new Case("truncated", path, Arrays.copyOf(base, random.nextInt(base.length))));
                case 1 -> out.add(new Case("byte-flips", path, flip(base, random, 1 + random.nextInt(20))));
                case 2 -> out.add(new Case("wrong-type", path, replaceValue(base, random, WRONG_TYPES[random.nextInt(WRONG_TYPES.length)])));
                case 3 -> out.add(new Case("nulls", path, replaceValue(base, random, "null")));
                case 4 -> out.add(new Case("huge-array", path, hugeArray(random)));
                case 5 -> out.add(new Case("huge-string", path, hugeString(random)));
                case 6 -> out.add(new Case("deep-nesting", path, deep(random)));
                case 7 -> out.add(new Case("invalid-utf8", path, invalidUtf8(base, random)));
                case 8 -> out.add(new Case("duplicate-keys", path, duplicateKeys(base, random)));
                case 9 -> out.add(new Case("absurd-images", path, absurdImage(random)));
                case 10 -> out.add(new Case("over-limit", path, overLimit(random)));
                case 11 -> out.add(new Case("utf16-32", path, wideEncoding(base, random)));
                case 12 -> out.add(new Case("huge-annotation", path, hugeAnnotation(random)));
                case 13 -> out.add(new Case("many-registries", path, manyRegistries(random)));
                default -> out.add(new Case("too-many-nodes", path, tooManyNodes(random)));
            }
        }
        return out;
    }

    static final String[] WRONG_TYPES = {"1", "-1e999", "true", "\"x\"", "[]", "{}", "[[[]]]", "{\"a\":{}}", "1.5", "\"\\u0000\""};

    static byte[] flip(byte[] base, Random random, int flips) {
        byte[] b = base.clone();
        for (int i = 0; i < flips; i++) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
    }

    /** Replaces the value after a random ':' (any level) with the given JSON text. */
    static byte[] replaceValue(byte[] base, Random random, String replacement) {
        String s = new String(base, StandardCharsets.UTF_8);
        int colon = -1;
        for (int tries = 0; tries < 50 && colon < 0; tries++) {
            int at = s.indexOf(':', random.nextInt(s.length()));
            if (at > 0 && s.charAt(at - 1) == '"') {
                colon = at;
            }
        }
        if (colon < 0) {
            return base;
        }
        int end = endOfValue(s, colon + 1);
        return (s.substring(0, colon + 1) + replacement + s.substring(end)).getBytes(StandardCharsets.UTF_8);
    }

    private static int endOfValue(String s, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return s.length();
    }

    static byte[] hugeArray(Random random) {
        StringBuilder b = new StringBuilder("{\"Pod\":{},\"Nodes\":null,\"NodeNames\":[");
        int n = 10_000 + random.nextInt(40_000);
        for (int i = 0; i < n && b.length() < LIMIT - 100; i++) {
            b.append(i == 0 ? "" : ",").append("\"n").append(i).append('"');
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hugeString(Random random) {
        char[] x = new char[200_000 + random.nextInt(600_000)];
        Arrays.fill(x, 'a');
        String where = random.nextBoolean() ? "\"NodeNames\":[\"" + new String(x) + "\"]" : "\"NodeNames\":[\"n\"],\"Junk\":\"" + new String(x) + "\"";
        return ("{\"Pod\":{\"metadata\":{\"name\":\"p\"}}," + where + "}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] deep(Random random) {
        int depth = 100 + random.nextInt(5000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        return ("{\"Pod\":{},\"NodeNames\":[],\"X\":" + open.repeat(depth)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] invalidUtf8(byte[] base, Random random) {
        byte[] b = base.clone();
        byte[][] bad = {{(byte) 0xc3, (byte) 0x28}, {(byte) 0xff}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xf0, (byte) 0x28, (byte) 0x8c, (byte) 0x28}};
        for (int i = 0; i < 3; i++) {
            int at = random.nextInt(b.length - 4);
            byte[] seq = bad[random.nextInt(bad.length)];
            System.arraycopy(seq, 0, b, at, seq.length);
        }
        return b;
    }

    static byte[] duplicateKeys(byte[] base, Random random) {
        String s = new String(base, StandardCharsets.UTF_8);
        String[] keys = {"\"Pod\"", "\"name\"", "\"labels\"", "\"containers\"", "\"NodeNames\"", "\"items\"", "\"image\""};
        String key = keys[random.nextInt(keys.length)];
        int at = s.indexOf(key);
        if (at < 0) {
            return base;
        }
        return (s.substring(0, at) + key + ":null," + s.substring(at)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] absurdImage(Random random) {
        String[] images = {"", " ", "\u0000", "a".repeat(100_000), "UPPER/Case:Tag", "::::", "@sha256:", "x@sha256:" + "g".repeat(64),
                "registry:99999999/app", "\u202eevil", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p:" + "t".repeat(200), "😀/image:1"};
        String image = images[random.nextInt(images.length)];
        String pod = "{\"metadata\":{\"name\":\"p\",\"annotations\":{\"osfit.dev/image-platforms\":\"" + (random.nextBoolean() ? "* bogus(((" : "* linux/amd64")
                + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":" + JSON.writeValueAsString(image) + "}]}}";
        return ("{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[\"a\",\"b\"]}").getBytes(StandardCharsets.UTF_8);
    }

    /** A valid request in UTF-16 or UTF-32, with or without a byte order mark: not what the protocol sends (400). */
    static byte[] wideEncoding(byte[] base, Random random) {
        String[] charsets = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE"};
        String text = new String(base, StandardCharsets.UTF_8);
        if (text.length() * 4 > LIMIT) {
            text = new String(fixture("filter-args-nodenames.json"), StandardCharsets.UTF_8);
        }
        return text.getBytes(java.nio.charset.Charset.forName(charsets[random.nextInt(charsets.length)]));
    }

    /** A platform annotation from 16 KiB (the cap) to 900 KB: invalid with its reason, never cached. */
    static byte[] hugeAnnotation(Random random) {
        int length = 16 * 1024 + random.nextInt(900_000);
        String line = "registry.local/app:" + random.nextInt(1_000_000) + " windows(10.0.17763)/amd64\\n";
        String annotation = line.repeat(length / line.length() + 1);
        String pod = "{\"metadata\":{\"name\":\"p\",\"annotations\":{\"osfit.dev/image-platforms\":\"" + annotation
                + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"registry.local/app:1\"}]}}";
        return ("{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[\"a\",\"b\"]}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A pod of 50 to 3000 containers, each on a registry host of its own (private addresses, which the
     * SSRF rule refuses without a DNS query): the lookups per pod are capped, the rest unknown.
     */
    static byte[] manyRegistries(Random random) {
        int count = 50 + random.nextInt(2950);
        StringBuilder containers = new StringBuilder();
        for (int k = 0; k < count; k++) {
            containers.append(k == 0 ? "" : ",").append("{\"name\":\"c").append(k).append("\",\"image\":\"10.")
                    .append(k / 65536 % 256).append('.').append(k / 256 % 256).append('.').append(k % 256).append(":5000/app:1\"}");
        }
        String pod = "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[" + containers + "]}}";
        return ("{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[\"a\",\"b\"]}").getBytes(StandardCharsets.UTF_8);
    }

    /** More node names than one request may carry (50,000): 400. */
    static byte[] tooManyNodes(Random random) {
        int count = 50_001 + random.nextInt(20_000);
        StringBuilder names = new StringBuilder(count * 8);
        for (int k = 0; k < count; k++) {
            names.append(k == 0 ? "\"n" : ",\"n").append(k).append('"');
        }
        return ("{\"Pod\":{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}},"
                + "\"Nodes\":null,\"NodeNames\":[" + names + "]}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] overLimit(Random random) {
        byte[] b = new byte[LIMIT + 1 + random.nextInt(1000)];
        Arrays.fill(b, (byte) ' ');
        b[0] = '{';
        return b;
    }

    static byte[] fixture(String name) {
        try (InputStream in = HostileInputTest.class.getResourceAsStream("/kube-scheduler/v1.32.5/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
