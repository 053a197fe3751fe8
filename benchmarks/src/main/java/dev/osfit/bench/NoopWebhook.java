package dev.osfit.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The webhook floor: an admission webhook that admits every pod without a patch, over the same TLS as
 * osfit's (the API server sends no client certificate). Reactor Netty, the body aggregated and scanned for
 * the request's uid (the first "uid" in an AdmissionReview the API server writes), the answer written by
 * hand: what any JVM webhook pays at least.
 *
 * <pre>java -cp ... dev.osfit.bench.NoopWebhook CERT.pem KEY.pem [patch]</pre>
 * prints its port on the first line, then serves https://127.0.0.1:PORT/admission/pods until stopped. With
 * {@code patch} it admits every pod with {@link #PATCH}, the patch osfit writes for the drivers' pods, so that
 * what applying it costs the API server shows apart from what osfit spends deciding it.
 */
public final class NoopWebhook {

    private NoopWebhook() {
    }

    /** osfit's hint for the drivers' Linux pods on a cluster whose Linux nodes are amd64, and its annotation. */
    static final String PATCH = "[{\"op\":\"add\",\"path\":\"/spec/affinity\",\"value\":{\"nodeAffinity\":{"
            + "\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{\"matchExpressions\":["
            + "{\"key\":\"kubernetes.io/os\",\"operator\":\"In\",\"values\":[\"linux\"]},"
            + "{\"key\":\"kubernetes.io/arch\",\"operator\":\"In\",\"values\":[\"amd64\"]}]}]}}}},"
            + "{\"op\":\"add\",\"path\":\"/metadata/annotations/osfit.dev~1placement\",\"value\":\"hinted: linux/amd64\"}]";

    public static void main(String[] args) throws Exception {
        String patch = args.length > 2 && args[2].equals("patch")
                ? ",\"patchType\":\"JSONPatch\",\"patch\":\"" + java.util.Base64.getEncoder().encodeToString(PATCH.getBytes(StandardCharsets.UTF_8)) + "\""
                : "";
        var ssl = SslContextBuilder.forServer(new File(args[0]), new File(args[1])).build();
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).secure(spec -> spec.sslContext(ssl))
                .route(routes -> routes.post("/admission/pods", (request, response) -> request.receive().aggregate().asByteArray()
                        .flatMap(body -> {
                            byte[] answer = ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\""
                                    + uid(body) + "\",\"allowed\":true" + patch + "}}").getBytes(StandardCharsets.UTF_8);
                            ByteBuf out = Unpooled.wrappedBuffer(answer);
                            return response.header("Content-Type", "application/json").header("Content-Length", String.valueOf(answer.length))
                                    .send(Mono.just(out)).then();
                        })))
                .bindNow();
        System.out.println(server.port());
        System.out.flush();
        server.onDispose().block();
    }

    static String uid(byte[] body) {
        byte[] key = "\"uid\":\"".getBytes(StandardCharsets.US_ASCII);
        int at = NoopExtender.indexOf(body, key, 0);
        if (at < 0) {
            return "";
        }
        int start = at + key.length;
        int end = start;
        while (end < body.length && body[end] != '"') {
            end++;
        }
        return new String(body, start, end - start, StandardCharsets.US_ASCII);
    }
}
