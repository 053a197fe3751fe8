package dev.osfit.plan;

import dev.osfit.cluster.Workloads;
import dev.osfit.extender.RequestBodies;
import dev.osfit.kube.BadRequestException;
import dev.osfit.node.NodePlatform;
import dev.osfit.platform.OsVersion;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /plan}: which workloads will still start on a target platform, in cluster mode. The
 * target is a Windows build ({@code ?windows-build=10.0.26100}, amd64 unless {@code arch} says), an
 * OS and architecture ({@code ?os=linux&arch=arm64}) or the nodes a label selector matches
 * ({@code ?nodes=agentpool=win25}); {@code namespace} narrows it. The workloads are listed in pages
 * off the event loops, one plan at a time (another gets 429), bounded in count and time.
 */
final class PlanHandler {

    static final int MAX_OBJECTS = 50_000;
    static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);
    static final Duration PLAN_TIMEOUT = Duration.ofSeconds(90);

    /** What /plan answers: the target, a summary line, whether the listing stopped at its limit, and the rows. */
    record Plan(List<String> target, String summary, boolean truncated, List<Planner.Row> workloads) {
    }

    private final Planner planner;
    private final ObjectProvider<ApiClient> kubernetes;
    private final Semaphore oneAtATime = new Semaphore(1);
    private final JsonMapper json = JsonMapper.builder().build();

    PlanHandler(Planner planner, ObjectProvider<ApiClient> kubernetes) {
        this.planner = planner;
        this.kubernetes = kubernetes;
    }

    Mono<ServerResponse> plan(ServerRequest request) {
        ApiClient client = kubernetes.getIfAvailable();
        if (client == null) {
            return RequestBodies.failure("plan", new BadRequestException("/plan reads the cluster's workloads: it needs cluster mode "
                    + "(osfit.nodes.source=cluster)"));
        }
        String namespace = request.queryParam("namespace").filter(s -> !s.isBlank()).orElse(null);
        if (namespace != null && !namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || namespace != null && namespace.length() > 63) {
            return RequestBodies.failure("plan", new BadRequestException("namespace must be a DNS-1123 label"));
        }
        if (!oneAtATime.tryAcquire()) {
            return ServerResponse.status(HttpStatus.TOO_MANY_REQUESTS).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(json.writeValueAsBytes(Map.of("Error", "a plan is being made; ask again when it is done")));
        }
        return Mono.fromCallable(() -> targets(request, client))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(targets -> Mono.fromCallable(() -> Workloads.list(client, namespace, MAX_OBJECTS))
                        .subscribeOn(Schedulers.boundedElastic())
                        .timeout(LIST_TIMEOUT)
                        .flatMap(listing -> {
                            List<Planner.Workload> workloads = new ArrayList<>(listing.workloads().size());
                            for (Workloads.Listed w : listing.workloads()) {
                                workloads.add(new Planner.Workload(w.kind(), w.namespace(), w.name(), w.template()));
                            }
                            return Mono.fromCompletionStage(() -> planner.plan(workloads, targets))
                                    .map(rows -> new Plan(targets.stream().map(NodePlatform::toString).toList(), Planner.summary(rows),
                                            listing.truncated(), rows));
                        }))
                .timeout(PLAN_TIMEOUT)
                .flatMap(plan -> wantsText(request)
                        ? ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(table(plan))
                        : ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json.writeValueAsBytes(plan)))
                .onErrorResume(e -> RequestBodies.failure("plan", e instanceof java.util.concurrent.TimeoutException
                        ? new IllegalStateException("the plan took longer than " + PLAN_TIMEOUT.toSeconds() + " s", e) : e))
                .doFinally(signal -> oneAtATime.release());
    }

    /** The target platforms the query names. */
    static List<NodePlatform> targets(ServerRequest request, ApiClient client) throws Exception {
        String build = request.queryParam("windows-build").orElse(null);
        String os = request.queryParam("os").orElse(null);
        String arch = request.queryParam("arch").orElse(null);
        String nodes = request.queryParam("nodes").orElse(null);
        int given = (build != null ? 1 : 0) + (os != null ? 1 : 0) + (nodes != null ? 1 : 0);
        if (given != 1) {
            throw new BadRequestException("name one target: ?windows-build=10.0.26100, ?os=linux&arch=arm64 or ?nodes=<label selector>");
        }
        if (arch != null && !arch.matches("[a-z0-9]{1,16}")) {
            throw new BadRequestException("arch must be an architecture such as amd64 or arm64");
        }
        if (build != null) {
            OsVersion version;
            try {
                version = OsVersion.parse(build);
            } catch (RuntimeException e) {
                version = null;
            }
            if (version == null || build.length() > 32) {
                throw new BadRequestException("windows-build must be a Windows version such as 10.0.26100 (or 10.0.26100.2605)");
            }
            return List.of(NodePlatform.of("windows", arch == null ? "amd64" : arch, version));
        }
        if (os != null) {
            if (!os.equals("linux") && !os.equals("windows")) {
                throw new BadRequestException("os must be linux or windows (for a Windows build, use windows-build)");
            }
            return List.of(NodePlatform.of(os, arch == null ? "amd64" : arch, null));
        }
        if (nodes.length() > 1024) {
            throw new BadRequestException("the node label selector is longer than 1024 characters");
        }
        List<NodePlatform> platforms;
        try {
            platforms = new ArrayList<>(Workloads.nodePlatforms(client, nodes, MAX_OBJECTS));
        } catch (io.kubernetes.client.openapi.ApiException e) {
            if (e.getCode() == 400) {
                throw new BadRequestException("the API server refused the label selector '" + nodes + "'");
            }
            throw e;
        }
        if (platforms.isEmpty()) {
            throw new BadRequestException("no node matches the label selector '" + nodes + "'");
        }
        return platforms;
    }

    private static boolean wantsText(ServerRequest request) {
        if (request.queryParam("format").map("text"::equals).orElse(false)) {
            return true;
        }
        List<MediaType> accept = request.headers().accept();
        return !accept.isEmpty() && accept.get(0).isCompatibleWith(MediaType.TEXT_PLAIN) && !accept.get(0).isWildcardType();
    }

    /** The plan as a table: one line per workload, blockers first, then each image and where its platforms came from. */
    static String table(Plan plan) {
        StringBuilder b = new StringBuilder();
        b.append("target ").append(String.join(", ", plan.target())).append('\n');
        b.append(plan.summary()).append('\n');
        if (plan.truncated()) {
            b.append("note: more than ").append(MAX_OBJECTS).append(" objects; the plan covers the first ones (narrow it with ?namespace=)\n");
        }
        b.append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"VERDICT", "KIND", "WORKLOAD", "WHY"});
        Map<String, Planner.Image> images = new LinkedHashMap<>();
        for (Planner.Row r : plan.workloads()) {
            rows.add(new String[] {r.outcome().text(), r.kind(), safe(r.namespace() + "/" + r.name()), r.why() == null ? "" : safe(r.why())});
            r.images().forEach(i -> images.putIfAbsent(i.image(), i));
        }
        columns(b, rows);
        b.append('\n');
        List<String[]> imageRows = new ArrayList<>();
        imageRows.add(new String[] {"IMAGE", "PLATFORMS", "FROM"});
        for (Planner.Image i : images.values()) {
            imageRows.add(new String[] {safe(i.image()), i.source() == null ? "unknown" : safe(String.join(", ", i.platforms())),
                    i.source() == null ? "" : i.source()});
        }
        columns(b, imageRows);
        return b.toString();
    }

    private static void columns(StringBuilder b, List<String[]> rows) {
        int[] width = new int[rows.get(0).length - 1];
        for (String[] row : rows) {
            for (int c = 0; c < width.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < width.length; c++) {
                line.append(row[c]).append(" ".repeat(width[c] - row[c].length() + 2));
            }
            line.append(row[width.length]);
            b.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** Names and images come from the cluster's users: no control characters into a terminal. */
    private static String safe(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
