package dev.osfit.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.osfit.image.ImageRef;
import dev.osfit.registry.RegistrySource;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.CoreV1EventList;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Learns from failed starts: the kubelet's {@code Failed} events on pods are watched (a field
 * selector, so no other event reaches osfit), and one whose message means a platform mismatch
 * (Windows: "The container operating system does not match the host operating system", HCS
 * {@code 0xc0370101}, "no matching manifest for windows"; Linux: "exec format error") is counted per
 * image and node ({@code osfit_platform_start_failures_total}), kept for {@code /explain} of that pod,
 * and drops osfit's cached platforms of the image, so the next decision reads the registry again.
 * The image is read from the message when it names one, else from the pod's container the event
 * names (one GET, off the informer's thread).
 */
public final class StartFailures implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StartFailures.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Messages that mean the image's platform does not fit the node; lower case. */
    static final List<String> PLATFORM_MISMATCH = List.of(
            "the container operating system does not match the host operating system",
            "0xc0370101",
            "no matching manifest for windows",
            "no match for platform in manifest",
            "exec format error",
            "image operating system \"windows\" cannot be used on this platform",
            "image operating system \"linux\" cannot be used on this platform");
    private static final Pattern PULLED_IMAGE = Pattern.compile("(?:Failed to pull image|pulling image) \"([^\"]{1,1024})\"");
    private static final Pattern CONTAINER = Pattern.compile("spec\\.(?:initContainers|containers)\\{([^}]{1,253})}");
    /** Image and node pairs with a label of their own; the cluster's users choose both, so the rest count as "other". */
    static final int MAX_LABELLED = 200;

    /** A failed start osfit learned from: where, which image, and the kubelet's words. */
    public record Failure(String node, String image, String message) {
    }

    private final ApiClient client;
    private final Watches watches;
    private final RegistrySource registry;
    private final MeterRegistry meters;
    private final Cache<String, List<Failure>> byPod = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(6)).build();
    private final Set<String> labelled = ConcurrentHashMap.newKeySet();
    /**
     * One thread, at most {@value #QUEUE} events waiting: whoever may create events in a namespace chooses how
     * many arrive, so beyond that they are dropped.
     */
    private final ExecutorService lookups = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(QUEUE), task -> {
                Thread t = new Thread(task, "osfit-start-failures");
                t.setDaemon(true);
                return t;
            }, new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
    static final int QUEUE = 1000;

    /** @param registry the registry source whose cached answers a failure drops, or null when registries are off */
    StartFailures(ApiClient client, Duration watchTimeout, RegistrySource registry, MeterRegistry meters) {
        this.client = client;
        this.watches = new Watches(client, watchTimeout, log, "failed starts are not learned from meanwhile");
        this.registry = registry;
        this.meters = meters;
    }

    /** The platform-mismatch start failures osfit saw for the pod (newest last), or none. */
    public List<Failure> of(String namespace, String name) {
        List<Failure> f = byPod.getIfPresent(namespace + "/" + name);
        return f == null ? List.of() : f;
    }

    static boolean platformMismatch(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return PLATFORM_MISMATCH.stream().anyMatch(m::contains);
    }

    @Override
    public synchronized void start() {
        CoreV1Api api = new CoreV1Api(client);
        SharedIndexInformer<CoreV1Event> informer = watches.factory().sharedIndexInformerFor(watches.calls(
                (version, watch, timeout) -> api.listEventForAllNamespaces().fieldSelector("reason=Failed,involvedObject.kind=Pod")
                        .resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null)),
                CoreV1Event.class, CoreV1EventList.class, 0, watches.onFailure("pods' Failed events"));
        // Kept small: the reference, the node, the count and (for mismatches only) the message.
        informer.setTransform(object -> object instanceof CoreV1Event e ? reduce(e) : object);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(CoreV1Event e) {
                seen(e, count(e));
            }

            @Override
            public void onUpdate(CoreV1Event before, CoreV1Event after) {
                int more = count(after) - count(before);
                if (more > 0) {
                    seen(after, more);
                }
            }

            @Override
            public void onDelete(CoreV1Event e, boolean finalStateUnknown) {
                // events expire in the API server; what osfit learned stays for a while
            }
        });
        watches.start();
        log.info("watching pods' Failed events for platform mismatches (osfit_platform_start_failures_total)");
    }

    static CoreV1Event reduce(CoreV1Event e) {
        V1ObjectMeta m = e.getMetadata();
        CoreV1Event out = new CoreV1Event().metadata(m == null ? new V1ObjectMeta()
                        : new V1ObjectMeta().name(m.getName()).namespace(m.getNamespace()).resourceVersion(m.getResourceVersion()))
                .involvedObject(e.getInvolvedObject()).count(e.getCount()).reason(e.getReason());
        String node = e.getSource() != null && e.getSource().getHost() != null ? e.getSource().getHost() : e.getReportingInstance();
        out.source(new V1EventSource().host(node));
        if (platformMismatch(e.getMessage())) {
            String message = e.getMessage();
            out.message(message.length() > 2048 ? message.substring(0, 2048) : message);
        }
        return out;
    }

    private static int count(CoreV1Event e) {
        return e.getCount() == null || e.getCount() < 1 ? 1 : e.getCount();
    }

    private void seen(CoreV1Event e, int times) {
        if (e.getMessage() == null || e.getInvolvedObject() == null) {
            return; // not a platform mismatch (reduce keeps only those messages)
        }
        V1ObjectReference pod = e.getInvolvedObject();
        String node = e.getSource() == null || e.getSource().getHost() == null ? "" : e.getSource().getHost();
        Matcher pulled = PULLED_IMAGE.matcher(e.getMessage());
        if (pulled.find()) {
            record(pod, node, pulled.group(1), e.getMessage(), times);
            return;
        }
        Matcher container = CONTAINER.matcher(pod.getFieldPath() == null ? "" : pod.getFieldPath());
        String name = container.find() ? container.group(1) : null;
        String message = e.getMessage();
        // The image is the pod's: one GET, on a thread of its own, never the informer's.
        lookups.execute(() -> record(pod, node, imageOf(pod, name), message, times));
    }

    private String imageOf(V1ObjectReference pod, String container) {
        try {
            return ClusterAccess.getPod(client, pod.getNamespace(), pod.getName()).map(bytes -> {
                JsonNode spec = JSON.readTree(bytes).path("spec");
                for (String list : List.of("containers", "initContainers")) {
                    for (JsonNode c : spec.path(list)) {
                        if (container == null || container.equals(c.path("name").asString(""))) {
                            return c.path("image").asString(null);
                        }
                    }
                }
                return null;
            }).orElse(null);
        } catch (Exception e) {
            log.debug("cannot read pod {}/{} for its failed start: {}", pod.getNamespace(), pod.getName(), e.toString());
            return null;
        }
    }

    private void record(V1ObjectReference pod, String node, String image, String message, int times) {
        String key = pod.getNamespace() + "/" + pod.getName();
        boolean first = byPod.getIfPresent(key) == null;
        Failure failure = new Failure(node, image, message);
        byPod.asMap().merge(key, List.of(failure), (old, add) -> {
            List<Failure> all = new ArrayList<>(old.size() >= 5 ? old.subList(old.size() - 4, old.size()) : old);
            all.addAll(add);
            return List.copyOf(all);
        });
        String pair = (image == null ? "unknown" : image) + "|" + node;
        if (labelled.size() < MAX_LABELLED) {
            labelled.add(pair);
        }
        boolean own = labelled.contains(pair);
        Counter.builder("osfit.platform.start.failures").tag("image", own ? (image == null ? "unknown" : image) : "other")
                .tag("node", own ? node : "other").description("pod starts the kubelet reported failed for a platform mismatch")
                .register(meters).increment(times);
        if (image != null && registry != null && ImageRef.parse(image) instanceof ImageRef.Valid valid) {
            registry.forget(valid.ref());
        }
        if (first) { // a crash loop repeats the event: one line per pod (the metric counts every one)
            log.warn("pod {} failed to start on node {}: platform mismatch for image {} (\"{}\"); osfit reads the image's platforms again",
                    key, node, image, message.length() > 300 ? message.substring(0, 300) + "..." : message);
        }
    }

    @Override
    public synchronized void stop() {
        watches.stop();
        lookups.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return watches.running();
    }
}
