package dev.osfit.cluster;

import com.google.gson.Gson;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.EventListener;

/**
 * How osfit reaches the API server: which credentials exist (for {@code osfit.nodes.source=auto}),
 * the ApiClient built from them, and the JSON settings client-java needs to survive newer servers.
 */
public final class ClusterAccess {

    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private static volatile boolean lenientJsonInstalled;

    private ClusterAccess() {
    }

    /** Where credentials were found: a description for the startup log, or null when there are none. */
    public static String findCredentials(String kubeconfigOverride, Map<String, String> env, Path home, Path serviceAccountToken) {
        if (kubeconfigOverride != null && !kubeconfigOverride.isBlank()) {
            return "kubeconfig " + kubeconfigOverride + " (osfit.nodes.kubeconfig)";
        }
        String kubeconfigEnv = env.get("KUBECONFIG");
        if (kubeconfigEnv != null && !kubeconfigEnv.isBlank()) {
            String first = kubeconfigEnv.split(java.io.File.pathSeparator)[0];
            if (Files.isRegularFile(Path.of(first))) {
                return "kubeconfig " + first + " (KUBECONFIG)";
            }
        }
        if (home != null && Files.isRegularFile(home.resolve(".kube/config"))) {
            return "kubeconfig " + home.resolve(".kube/config");
        }
        if (env.get("KUBERNETES_SERVICE_HOST") != null && Files.isRegularFile(serviceAccountToken)) {
            return "in-cluster service account";
        }
        return null;
    }

    /**
     * An ApiClient for list and watch: the given kubeconfig, else client-java's standard search
     * (KUBECONFIG, ~/.kube/config, in-cluster). Every call is bounded by {@link ApiTimeouts}: the
     * answer must begin within {@code requestTimeout}, and a watch may idle only as long as it asked
     * the server to keep it open. Over HTTP/2 a ping every 30 s finds a dead connection under an idle
     * watch (as client-go's HTTP/2 health check does).
     */
    public static ApiClient apiClient(String kubeconfigOverride, Duration requestTimeout, EventListener.Factory events) {
        installLenientJson();
        try {
            ApiClient client;
            if (kubeconfigOverride != null && !kubeconfigOverride.isBlank()) {
                try (Reader r = Files.newBufferedReader(Path.of(kubeconfigOverride))) {
                    KubeConfig config = KubeConfig.loadKubeConfig(r);
                    config.setFile(Path.of(kubeconfigOverride).toFile());
                    client = ClientBuilder.kubeconfig(config).build();
                }
            } else {
                client = ClientBuilder.standard(false).build();
            }
            client.setHttpClient(client.getHttpClient().newBuilder()
                    .readTimeout(0, TimeUnit.MILLISECONDS)
                    .connectTimeout(10, TimeUnit.SECONDS)
                    .pingInterval(30, TimeUnit.SECONDS)
                    .addInterceptor(new ApiTimeouts(requestTimeout))
                    .eventListenerFactory(events)
                    .build());
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Kubernetes credentials: " + e.getMessage(), e);
        }
    }

    /**
     * client-java's generated models reject any JSON field they do not know, which breaks list and
     * watch as soon as the API server is newer than the client. A Gson without the models' strict
     * adapters reads them reflectively and ignores unknown fields; the original date and byte[]
     * adapters are kept so timestamps and binary fields read as before. Installed once, process-wide
     * (client-java's JSON is static).
     */
    public static synchronized void installLenientJson() {
        if (lenientJsonInstalled) {
            return;
        }
        Gson original = JSON.getGson();
        Gson lenient = JSON.createGson()
                .registerTypeAdapter(Date.class, original.getAdapter(Date.class))
                .registerTypeAdapter(java.sql.Date.class, original.getAdapter(java.sql.Date.class))
                .registerTypeAdapter(OffsetDateTime.class, original.getAdapter(OffsetDateTime.class))
                .registerTypeAdapter(LocalDate.class, original.getAdapter(LocalDate.class))
                .registerTypeAdapter(byte[].class, original.getAdapter(byte[].class))
                .create();
        JSON.setGson(lenient);
        lenientJsonInstalled = true;
    }

    /**
     * The pod as the API server has it now (its JSON), or empty when there is none. Blocks: call it off
     * the event loops. Bounded by the client's request timeout ({@link ApiTimeouts}).
     */
    public static java.util.Optional<byte[]> getPod(ApiClient client, String namespace, String name) throws Exception {
        try (okhttp3.Response response = new io.kubernetes.client.openapi.apis.CoreV1Api(client).readNamespacedPod(name, namespace)
                .buildCall(null).execute()) {
            if (response.code() == 404) {
                return java.util.Optional.empty();
            }
            if (!response.isSuccessful() || response.body() == null) {
                throw new IllegalStateException("the API server answered " + response.code() + " for pod " + namespace + "/" + name);
            }
            return java.util.Optional.of(response.body().bytes());
        }
    }
}
