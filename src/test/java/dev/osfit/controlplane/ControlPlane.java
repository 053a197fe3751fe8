package dev.osfit.controlplane;

import dev.osfit.config.TestCertificates;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A real Kubernetes control plane on 127.0.0.1 for tests, the way envtest runs one: etcd and
 * kube-apiserver (and, per test, kube-scheduler through {@link KubeScheduler}) as child processes on free
 * ports, with a test CA, an admin bearer token and no kubelets. Nodes are API objects whose status the
 * test writes itself.
 *
 * <p>Binaries come from the directory named by {@value #ASSETS_ENV} ({@code kube-apiserver},
 * {@code kube-scheduler}, and {@code etcd} unless it is on the PATH); {@code .ci/run} unpacks
 * {@code ../shared/k8s} there. One control plane serves the whole test JVM ({@link #shared()}); its
 * processes are stopped by a shutdown hook, and each is stopped by its own process handle, never by name.
 */
public final class ControlPlane {

    public static final String ASSETS_ENV = "OSFIT_K8S_ASSETS";
    static final String ADMIN_TOKEN = "osfit-test-admin-token";
    /** osfit's own identity: its ServiceAccount's user name, so the shipped ClusterRoleBindings apply. */
    static final String OSFIT_TOKEN = "osfit-test-osfit-token";
    static final String OSFIT_USER = "system:serviceaccount:osfit-system:osfit";

    private static ControlPlane shared;

    private final Path dir;
    private final Path assets;
    private final TestCertificates.Issued ca;
    private final int etcdPort;
    private final int etcdPeerPort;
    private final int apiPort;
    private final Path kubeconfig;
    private final Path osfitKubeconfig;
    private final HttpClient http;
    private Process etcd;
    private Process apiServer;

    private ControlPlane(Path assets) throws IOException {
        this.assets = assets;
        this.dir = Files.createTempDirectory("osfit-controlplane");
        this.ca = TestCertificates.ca("osfit-test-ca");
        this.etcdPort = freePort();
        this.etcdPeerPort = freePort();
        this.apiPort = freePort();
        TestCertificates.Issued serving = ca.sign("kube-apiserver");
        TestCertificates.Issued serviceAccounts = ca.sign("service-accounts");
        Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
        Files.writeString(dir.resolve("apiserver.crt"), serving.certificatePem());
        Files.writeString(dir.resolve("apiserver.key"), serving.keyPem());
        Files.writeString(dir.resolve("sa.pub"), serviceAccounts.publicKeyPem());
        Files.writeString(dir.resolve("sa.key"), serviceAccounts.keyPem());
        Files.writeString(dir.resolve("tokens.csv"), ADMIN_TOKEN + ",admin,admin-uid,system:masters\n"
                + OSFIT_TOKEN + "," + OSFIT_USER + ",osfit-uid,\"system:serviceaccounts,system:serviceaccounts:osfit-system\"\n");
        this.kubeconfig = kubeconfig("kubeconfig", ADMIN_TOKEN);
        this.osfitKubeconfig = kubeconfig("kubeconfig-osfit", OSFIT_TOKEN);
        this.http = HttpClient.newBuilder().sslContext(TestCertificates.Issued.clientContext(null, ca.certificate()))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private Path kubeconfig(String file, String token) throws IOException {
        Path path = dir.resolve(file);
        Files.writeString(path, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    certificate-authority: %s
                users:
                - name: admin
                  user:
                    token: %s
                contexts:
                - name: test
                  context: {cluster: test, user: admin}
                current-context: test
                """.formatted(url(), dir.resolve("ca.crt"), token));
        return path;
    }

    /** The control plane of this test JVM, started on first use. */
    public static synchronized ControlPlane shared() {
        if (shared == null) {
            try {
                ControlPlane plane = new ControlPlane(assets());
                Runtime.getRuntime().addShutdownHook(new Thread(plane::stop, "control-plane-stop"));
                plane.startEtcd();
                plane.startApiServer();
                shared = plane;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /**
     * A control plane of its own, on fresh etcd data (for benchmarks that compare runs: each starts clean);
     * {@link #close()} stops it.
     */
    public static ControlPlane startNew() {
        try {
            ControlPlane plane = new ControlPlane(assets());
            Runtime.getRuntime().addShutdownHook(new Thread(plane::stop, "control-plane-stop"));
            plane.startEtcd();
            plane.startApiServer();
            return plane;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops a control plane from {@link #startNew()}. */
    public void close() {
        stop();
    }

    /**
     * The project's directory, where {@code manifests/} and {@code scheduler-config/} are: the working
     * directory for tests, {@code -Dosfit.project.dir=..} for the benchmarks, which run from {@code benchmarks/}.
     */
    public static Path projectDir() {
        return Path.of(System.getProperty("osfit.project.dir", "."));
    }

    /** Where the binaries are; a clear failure, not a skip, when the variable is missing. */
    static Path assets() {
        String value = System.getenv(ASSETS_ENV);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(ASSETS_ENV + " is not set: it must name a directory with kube-apiserver and "
                    + "kube-scheduler v1.32.5 (.ci/run unpacks ../shared/k8s there; README, \"Tests\", says how)");
        }
        Path dir = Path.of(value);
        for (String binary : List.of("kube-apiserver", "kube-scheduler")) {
            if (!Files.isExecutable(dir.resolve(binary))) {
                throw new IllegalStateException(ASSETS_ENV + "=" + value + " has no executable " + binary);
            }
        }
        return dir;
    }

    Path binary(String name) {
        Path inAssets = assets.resolve(name);
        if (Files.isExecutable(inAssets)) {
            return inAssets;
        }
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(p, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(name + " is neither in " + assets + " nor on the PATH (Debian: apt-get install etcd-server)");
    }

    private void startEtcd() throws IOException {
        String client = "http://127.0.0.1:" + etcdPort;
        String peer = "http://127.0.0.1:" + etcdPeerPort;
        etcd = start("etcd", List.of(binary("etcd").toString(), "--name", "test", "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer, "--initial-cluster", "test=" + peer, "--unsafe-no-fsync",
                "--log-level", "warn"));
        waitFor("etcd", Duration.ofSeconds(30), () -> {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(client + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("true");
        }, etcd);
    }

    /** Starts kube-apiserver (again, on the same port and etcd, after {@link #stopApiServer}). */
    public synchronized void startApiServer() throws IOException {
        apiServer = start("kube-apiserver", List.of(binary("kube-apiserver").toString(),
                "--etcd-servers", "http://127.0.0.1:" + etcdPort,
                "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", String.valueOf(apiPort),
                "--tls-cert-file", dir.resolve("apiserver.crt").toString(), "--tls-private-key-file", dir.resolve("apiserver.key").toString(),
                "--client-ca-file", dir.resolve("ca.crt").toString(), "--token-auth-file", dir.resolve("tokens.csv").toString(),
                // RBAC, so osfit runs with exactly the permissions manifests/ grant it (osfitKubeconfig).
                "--authorization-mode", "RBAC",
                "--service-account-key-file", dir.resolve("sa.pub").toString(),
                "--service-account-signing-key-file", dir.resolve("sa.key").toString(),
                "--service-account-issuer", "https://kubernetes.default.svc",
                "--service-cluster-ip-range", "10.96.0.0/16",
                "--disable-admission-plugins", "ServiceAccount,TaintNodesByCondition",
                "--requestheader-client-ca-file", dir.resolve("ca.crt").toString(),
                "--requestheader-allowed-names", "front-proxy-client", "--requestheader-username-headers", "X-Remote-User",
                "--requestheader-group-headers", "X-Remote-Group", "--requestheader-extra-headers-prefix", "X-Remote-Extra-"));
        waitFor("kube-apiserver", Duration.ofSeconds(90), () -> {
            HttpResponse<String> r = get("/readyz");
            return r.statusCode() == 200 && get("/api/v1/namespaces/default").statusCode() == 200;
        }, apiServer);
    }

    /** Stops kube-apiserver by its process; etcd and its data stay. */
    public synchronized void stopApiServer() {
        stop(apiServer);
        apiServer = null;
    }

    private synchronized void stop() {
        stop(apiServer);
        stop(etcd);
    }

    static void stop(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    Process start(String name, List<String> command) throws IOException {
        Path log = dir.resolve(name + ".log");
        return new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    void waitFor(String what, Duration limit, Check check, Process process) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited with " + process.exitValue() + "; its log:\n" + tail(what));
            }
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop(process);
        throw new IllegalStateException(what + " not ready within " + limit + " (last error: " + last + "); its log:\n" + tail(what));
    }

    /** The last lines of a process's log, for failure messages. */
    String tail(String name) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public String url() {
        return "https://127.0.0.1:" + apiPort;
    }

    /** A kubeconfig with the admin token (system:masters), for kube-scheduler and the tests. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /**
     * A kubeconfig for osfit as its ServiceAccount, after applying the RBAC files from {@code manifests/}
     * (the base's read-only ClusterRole, and each extra one given, such as the gate's): osfit gets only
     * what an admin installing it grants.
     */
    public Path osfitKubeconfig(String... extraRbac) {
        Kube kube = kube();
        kube.namespace("osfit-system");
        kube.apply(projectDir().resolve("manifests/base/rbac.yaml"));
        for (String file : extraRbac) {
            kube.apply(projectDir().resolve(file));
        }
        return osfitKubeconfig;
    }

    public Path dir() {
        return dir;
    }

    public TestCertificates.Issued ca() {
        return ca;
    }

    public SSLContext clientContext() {
        return TestCertificates.Issued.clientContext(null, ca.certificate());
    }

    /** The admin's view of the API. */
    public Kube kube() {
        return new Kube(this);
    }

    HttpClient http() {
        return http;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final Pattern REQUEST_TOTAL = Pattern.compile(
            "^apiserver_request_total\\{([^}]*)} ([0-9.e+]+)$", Pattern.MULTILINE);

    /**
     * The API server's {@code apiserver_request_total} for one verb and resource, summed over the other
     * labels (code, scope, component, ...).
     */
    public long requests(String verb, String resource) throws IOException, InterruptedException {
        String metrics = get("/metrics").body();
        long total = 0;
        Matcher m = REQUEST_TOTAL.matcher(metrics);
        while (m.find()) {
            Map<String, String> labels = labels(m.group(1));
            if (verb.equals(labels.get("verb")) && resource.equals(labels.get("resource")) && labels.getOrDefault("subresource", "").isEmpty()) {
                total += (long) Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> out = new java.util.HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(text);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
