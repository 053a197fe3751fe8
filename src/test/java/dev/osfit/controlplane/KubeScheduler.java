package dev.osfit.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A real kube-scheduler v1.32.5 run with one of the KubeSchedulerConfigurations the project ships in
 * {@code scheduler-config/}, changed only where a test must: the kubeconfig (the test API server),
 * the extenders' URL (the test's osfit), no leader election. Stopped by its own process on
 * {@link #close()}.
 */
public final class KubeScheduler implements AutoCloseable {

    private final ControlPlane plane;
    private final Process process;
    private final String name;
    private final int port;

    private KubeScheduler(ControlPlane plane, Process process, String name, int port) {
        this.port = port;
        this.plane = plane;
        this.process = process;
        this.name = name;
    }

    /**
     * Starts kube-scheduler with {@code scheduler-config/<file>}, its extenders pointed at
     * {@code osfitUrl} (null: without extenders, whatever the file has), and waits until it is healthy.
     */
    public static KubeScheduler start(ControlPlane plane, String file, String osfitUrl) {
        return start(plane, file, osfitUrl, null);
    }

    /** As above, its one profile renamed {@code schedulerName} (null: as in the file), so it schedules only pods that name it. */
    public static KubeScheduler start(ControlPlane plane, String file, String osfitUrl, String schedulerName) {
        return start(plane, file, osfitUrl, schedulerName, null);
    }

    /** As above, with the extenders' {@code tlsConfig} replaced (caFile, certFile, keyFile) when given. */
    @SuppressWarnings("unchecked")
    public static KubeScheduler start(ControlPlane plane, String file, String osfitUrl, String schedulerName, Map<String, String> tlsConfig) {
        try {
            Map<String, Object> config = new Yaml().load(Files.readString(ControlPlane.projectDir().resolve("scheduler-config").resolve(file)));
            if (osfitUrl == null) {
                config.remove("extenders"); // the same configuration without an extender: the floor the others are measured against
            }
            ((Map<String, Object>) config.get("clientConnection")).put("kubeconfig", plane.kubeconfig().toString());
            // The README's throughput advice: binding is throttled at the default 50 QPS otherwise.
            ((Map<String, Object>) config.get("clientConnection")).put("qps", 1000);
            ((Map<String, Object>) config.get("clientConnection")).put("burst", 1000);
            config.put("leaderElection", Map.of("leaderElect", false));
            if (schedulerName != null) {
                ((List<Map<String, Object>>) config.get("profiles")).get(0).put("schedulerName", schedulerName);
            }
            Object extenders = config.get("extenders");
            if (extenders != null) {
                for (Map<String, Object> e : (List<Map<String, Object>>) extenders) {
                    e.put("urlPrefix", osfitUrl);
                    if (tlsConfig != null) {
                        e.put("tlsConfig", tlsConfig);
                    }
                }
            }
            String name = "kube-scheduler-" + file.replace(".yaml", "") + (schedulerName == null ? "" : "-" + schedulerName);
            Path configFile = plane.dir().resolve(name + ".yaml");
            DumperOptions options = new DumperOptions();
            options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            Files.writeString(configFile, new Yaml(options).dump(config));
            int port = ControlPlane.freePort();
            Process p = plane.start(name, List.of(plane.binary("kube-scheduler").toString(), "--config", configFile.toString(),
                    "--bind-address", "127.0.0.1", "--secure-port", String.valueOf(port),
                    "--authentication-kubeconfig", plane.kubeconfig().toString(),
                    "--authorization-kubeconfig", plane.kubeconfig().toString(), "-v=2"));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(insecure()).build();
            plane.waitFor(name, Duration.ofSeconds(60), () -> http.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200, p);
            return new KubeScheduler(plane, p, name, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kube-scheduler serves a self-signed certificate on its health port; only /healthz is read. */
    private static javax.net.ssl.SSLContext insecure() {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kube-scheduler process (for its CPU time). */
    public long pid() {
        return process.pid();
    }

    /** kube-scheduler's own Prometheus metrics (its secure port, read as the admin). */
    public String metrics() {
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(insecure()).build();
            return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics"))
                    .header("Authorization", "Bearer " + ControlPlane.ADMIN_TOKEN).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of its log, for a failure message. */
    public String log() {
        return plane.tail(name);
    }

    /** The file kube-scheduler logs to (at -v=2, a line per binding). */
    public Path logFile() {
        return plane.dir().resolve(name + ".log");
    }

    @Override
    public void close() {
        ControlPlane.stop(process);
    }
}
