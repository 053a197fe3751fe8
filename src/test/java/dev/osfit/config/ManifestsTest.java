package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.util.Yaml;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * manifests/ parses into typed Kubernetes objects that fit together: the kustomizations list files
 * that exist, the Deployment, Service, NetworkPolicy and scheduler agree on names, ports and paths.
 */
class ManifestsTest {

    static final Path BASE = Path.of("manifests", "base");
    static final Path MTLS = Path.of("manifests", "mtls");
    static List<Object> base = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        for (String resource : strings(kustomization(BASE).get("resources"))) {
            base.addAll(Yaml.loadAll(BASE.resolve(resource).toFile()));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> kustomization(Path dir) throws IOException {
        return new org.yaml.snakeyaml.Yaml().load(Files.readString(dir.resolve("kustomization.yaml")));
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object list) {
        return (List<String>) list;
    }

    static <T> List<T> all(Class<T> type) {
        return base.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T> T named(Class<T> type, String name) {
        List<T> found = all(type).stream().filter(o -> name.equals(metadataName(o))).toList();
        assertThat(found).as(type.getSimpleName() + " " + name).hasSize(1);
        return found.get(0);
    }

    private static String metadataName(Object o) {
        try {
            Object meta = o.getClass().getMethod("getMetadata").invoke(o);
            return (String) meta.getClass().getMethod("getName").invoke(meta);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static V1Container container(V1Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static String env(V1Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(V1EnvVar::getValue).findFirst().orElse(null);
    }

    @Test
    void everyFileTheKustomizationsNameExistsAndEveryManifestIsNamed() throws IOException {
        List<String> listed = new ArrayList<>(strings(kustomization(BASE).get("resources")));
        listed.add("scheduler/config.yaml");
        try (Stream<Path> files = Files.walk(BASE)) {
            assertThat(files.filter(p -> p.toString().endsWith(".yaml")).map(p -> BASE.relativize(p).toString()))
                    .as("files in base/").containsExactlyInAnyOrderElementsOf(
                            Stream.concat(listed.stream(), Stream.of("kustomization.yaml")).toList());
        }
        assertThat(strings(kustomization(Path.of("manifests")).get("resources"))).containsExactly("base");
        Map<String, Object> mtls = kustomization(MTLS);
        assertThat(strings(mtls.get("resources"))).contains("../base");
        for (String f : List.of("certificates.yaml", "osfit-tls.yaml", "scheduler-tls.yaml", "config.yaml")) {
            assertThat(MTLS.resolve(f)).exists();
        }
    }

    /**
     * Every YAML file: Kubernetes kinds through client-java's typed models; kustomizations, cert-manager
     * objects and scheduler configurations (checked field by field in SchedulerConfigTest) by kind.
     */
    @Test
    void everyYamlFileParsesIntoTypedObjects() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Stream.concat(Files.walk(Path.of("manifests")), Files.walk(Path.of("scheduler-config")))) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        for (Path file : files) {
            List<Map<String, Object>> documents = new ArrayList<>();
            new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(file)).forEach(d -> documents.add(castMap(d)));
            assertThat(documents).as(file.toString()).isNotEmpty();
            for (Map<String, Object> d : documents) {
                String apiVersion = (String) d.get("apiVersion");
                String kind = (String) d.get("kind");
                assertThat(kind).as("kind in " + file).isNotBlank();
                if (apiVersion.startsWith("kustomize.config.k8s.io/")) {
                    assertThat(kind).isIn("Kustomization", "Component");
                } else if (apiVersion.equals("cert-manager.io/v1")) {
                    assertThat(kind).isIn("Issuer", "Certificate");
                } else if (apiVersion.equals("kubescheduler.config.k8s.io/v1")) {
                    assertThat(SchedulerConfigTest.load(file).kind()).isEqualTo("KubeSchedulerConfiguration");
                } else {
                    Object typed = Yaml.load(new org.yaml.snakeyaml.Yaml().dump(d));
                    assertThat(typed.getClass().getName()).as(file + " " + kind).startsWith("io.kubernetes.client.openapi.models.");
                }
            }
        }
    }

    @Test
    void theClusterRoleReadsNodesPodsWorkloadsAndRuntimeClassesCreatesEventsAndNothingElse() {
        V1ClusterRole role = named(V1ClusterRole.class, "osfit-node-reader");
        assertThat(role.getRules()).hasSize(7);
        assertThat(role.getRules()).filteredOn(r -> !r.getVerbs().contains("create")).allSatisfy((V1PolicyRule rule) ->
                assertThat(rule.getVerbs()).isSubsetOf("get", "list", "watch"));
        assertThat(role.getRules()).filteredOn(r -> r.getVerbs().contains("create"))
                .singleElement().satisfies(r -> {
                    assertThat(r.getVerbs()).containsExactly("create");
                    assertThat(r.getResources()).containsExactly("events");
                });
        assertThat(role.getRules()).filteredOn(r -> r.getApiGroups().equals(java.util.List.of("")))
                .flatExtracting(V1PolicyRule::getResources).containsExactlyInAnyOrder("nodes", "pods", "events", "events");
        assertThat(role.getRules()).filteredOn(r -> r.getApiGroups().equals(java.util.List.of("node.k8s.io")))
                .flatExtracting(V1PolicyRule::getResources).containsExactly("runtimeclasses");
        assertThat(role.getRules()).filteredOn(r -> r.getApiGroups().equals(java.util.List.of("apps")))
                .flatExtracting(V1PolicyRule::getResources).containsExactly("deployments", "statefulsets", "daemonsets", "replicasets");
        assertThat(role.getRules()).filteredOn(r -> r.getApiGroups().equals(java.util.List.of("batch")))
                .flatExtracting(V1PolicyRule::getResources).containsExactly("jobs", "cronjobs");
        V1ClusterRoleBinding binding = named(V1ClusterRoleBinding.class, "osfit-node-reader");
        V1ServiceAccount account = named(V1ServiceAccount.class, "osfit");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
        });
    }

    @Test
    void theDeploymentRunsTwoLockedDownReplicasInClusterMode() {
        V1Deployment deployment = named(V1Deployment.class, "osfit");
        V1PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(pod.getServiceAccountName()).isEqualTo("osfit");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getTopologySpreadConstraints()).extracting(c -> c.getTopologyKey())
                .contains("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        V1Container osfit = container(deployment);
        assertThat(osfit.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(osfit.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(osfit.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(osfit.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(osfit.getResources().getLimits()).containsKey("memory");
        assertThat(env(osfit, "OSFIT_NODES_SOURCE")).isEqualTo("cluster");
        assertThat(env(osfit, "SERVER_ADDRESS")).isEqualTo("0.0.0.0");
        assertThat(env(osfit, "OSFIT_DRAIN_DELAY")).isNotBlank();
        // The probes reach the management port, on the port osfit is told to use.
        assertThat(osfit.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("management");
            assertThat(String.valueOf(p.getContainerPort())).isEqualTo(env(osfit, "MANAGEMENT_SERVER_PORT"));
        });
        assertThat(osfit.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8888);
        });
        assertThat(osfit.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(osfit.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(List.of(osfit.getReadinessProbe(), osfit.getLivenessProbe(), osfit.getStartupProbe()))
                .allSatisfy(p -> assertThat(p.getHttpGet().getPort().getStrValue()).isEqualTo("management"));
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(25L);
    }

    @Test
    void theDisruptionBudgetAndNetworkPolicyCoverOsfitsPods() {
        Map<String, String> osfitPods = named(V1Deployment.class, "osfit").getSpec().getTemplate().getMetadata().getLabels();
        V1PodDisruptionBudget pdb = named(V1PodDisruptionBudget.class, "osfit");
        assertThat(osfitPods).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMinAvailable().getIntValue()).isEqualTo(1);

        V1NetworkPolicy policy = named(V1NetworkPolicy.class, "osfit");
        assertThat(osfitPods).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
        Map<String, String> schedulerPods = named(V1Deployment.class, "osfit-scheduler").getSpec().getTemplate().getMetadata().getLabels();
        assertThat(policy.getSpec().getIngress()).allSatisfy(rule -> {
            boolean extenderPort = rule.getPorts().stream().anyMatch(p -> p.getPort().getIntValue() == 8888);
            if (extenderPort) {
                assertThat(rule.getFrom()).as("only the scheduler reaches 8888").singleElement()
                        .satisfies(peer -> assertThat(schedulerPods).containsAllEntriesOf(peer.getPodSelector().getMatchLabels()));
            }
        });
    }

    @Test
    void theServiceIsWhatTheSchedulerConfigsCall() {
        V1Service service = named(V1Service.class, "osfit");
        V1Deployment deployment = named(V1Deployment.class, "osfit");
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(8888));
        String url = "http://" + service.getMetadata().getName() + "." + service.getMetadata().getNamespace() + ".svc:8888";
        assertThat(url).as("the urlPrefix in scheduler-config/").isEqualTo("http://osfit.osfit-system.svc:8888");
    }

    @Test
    void theSecondSchedulerIsTheOfficialImageWithItsConfigFromTheConfigMap() throws IOException {
        V1Deployment scheduler = named(V1Deployment.class, "osfit-scheduler");
        V1Container c = container(scheduler);
        assertThat(c.getImage()).startsWith("registry.k8s.io/kube-scheduler:v1.");
        V1VolumeMount config = c.getVolumeMounts().stream().filter(m -> m.getName().equals("config")).findFirst().orElseThrow();
        assertThat(c.getCommand()).contains("--config=" + config.getMountPath() + "/config.yaml");
        String configMap = scheduler.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("config")).findFirst().orElseThrow().getConfigMap().getName();
        @SuppressWarnings("unchecked")
        Map<String, Object> generator = ((List<Map<String, Object>>) kustomization(BASE).get("configMapGenerator")).get(0);
        assertThat(generator.get("name")).isEqualTo(configMap);
        assertThat(strings(generator.get("files"))).containsExactly("config.yaml=scheduler/config.yaml");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();

        SchedulerConfigTest.KubeSchedulerConfiguration kube = SchedulerConfigTest.load(BASE.resolve("scheduler/config.yaml"));
        assertThat(kube.profiles()).singleElement().satisfies(p -> assertThat(p.schedulerName()).isEqualTo("osfit-scheduler"));
        V1Role lease = named(V1Role.class, "osfit-scheduler-leader-election");
        assertThat(lease.getMetadata().getNamespace()).isEqualTo(kube.leaderElection().resourceNamespace());
        assertThat(lease.getRules()).flatExtracting(V1PolicyRule::getResourceNames).contains(kube.leaderElection().resourceName());
        String account = scheduler.getSpec().getTemplate().getSpec().getServiceAccountName();
        assertThat(all(V1ClusterRoleBinding.class)).filteredOn(b -> b.getSubjects().get(0).getName().equals(account))
                .extracting(b -> b.getRoleRef().getName()).contains("system:kube-scheduler", "system:volume-scheduler");
        assertThat(named(V1RoleBinding.class, "osfit-scheduler-authentication-reader").getMetadata().getNamespace()).isEqualTo("kube-system");
    }

    @Test
    void theMutualTlsOverlayMountsWhatTheTlsProfileAndTheSchedulerConfigRead() throws IOException {
        V1Deployment osfitPatch = Yaml.loadAs(MTLS.resolve("osfit-tls.yaml").toFile(), V1Deployment.class);
        V1Container osfit = container(osfitPatch);
        assertThat(env(osfit, "SPRING_PROFILES_ACTIVE")).isEqualTo("tls");
        String tlsDir = (String) ((Map<?, ?>) ((Map<?, ?>) new org.yaml.snakeyaml.Yaml().<Map<String, Object>>load(
                Files.readString(Path.of("src/main/resources/application-tls.yaml"))).get("osfit")).get("tls")).get("dir");
        assertThat(osfit.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo(tlsDir));
        assertThat(osfit.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        String serverSecret = osfitPatch.getSpec().getTemplate().getSpec().getVolumes().get(0).getSecret().getSecretName();

        V1Deployment schedulerPatch = Yaml.loadAs(MTLS.resolve("scheduler-tls.yaml").toFile(), V1Deployment.class);
        String clientDir = container(schedulerPatch).getVolumeMounts().get(0).getMountPath();
        String clientSecret = schedulerPatch.getSpec().getTemplate().getSpec().getVolumes().get(0).getSecret().getSecretName();
        SchedulerConfigTest.ExtenderTLSConfig tls = SchedulerConfigTest.load(MTLS.resolve("config.yaml")).extenders().get(0).tlsConfig();
        assertThat(List.of(tls.caFile(), tls.certFile(), tls.keyFile()))
                .containsExactly(clientDir + "/ca.crt", clientDir + "/tls.crt", clientDir + "/tls.key");

        List<Map<String, Object>> certificates = new ArrayList<>();
        new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(MTLS.resolve("certificates.yaml")))
                .forEach(o -> certificates.add(castMap(o)));
        assertThat(certificates).allSatisfy(o -> assertThat(o.get("apiVersion")).isEqualTo("cert-manager.io/v1"));
        Map<String, Map<String, Object>> bySecret = new java.util.HashMap<>();
        certificates.stream().filter(o -> "Certificate".equals(o.get("kind")))
                .forEach(o -> bySecret.put((String) castMap(o.get("spec")).get("secretName"), castMap(o.get("spec"))));
        assertThat(bySecret).containsKeys(serverSecret, clientSecret);
        assertThat(strings(bySecret.get(serverSecret).get("dnsNames"))).contains("osfit.osfit-system.svc");
        assertThat(strings(bySecret.get(serverSecret).get("usages"))).containsExactly("server auth");
        assertThat(strings(bySecret.get(clientSecret).get("usages"))).containsExactly("client auth");
        // Spring Boot's PEM reader takes PKCS#8 keys.
        assertThat(List.of(bySecret.get(serverSecret), bySecret.get(clientSecret)))
                .allSatisfy(spec -> assertThat(castMap(spec.get("privateKey")).get("encoding")).isEqualTo("PKCS8"));
    }

    @Test
    void theWebhookIsSafeByConstructionAndReachesTheWebhookPort() throws IOException {
        assertThat(strings(kustomization(Path.of("manifests", "webhook")).get("components"))).containsExactly("../components/webhook");
        assertThat(strings(kustomization(Path.of("manifests", "mtls-webhook")).get("components"))).containsExactly("../components/webhook");
        Path webhook = Path.of("manifests", "components", "webhook");
        assertThat(strings(kustomization(webhook).get("resources"))).contains("mutatingwebhook.yaml", "certificates.yaml");
        V1MutatingWebhookConfiguration config = Yaml.loadAs(webhook.resolve("mutatingwebhook.yaml").toFile(), V1MutatingWebhookConfiguration.class);
        assertThat(config.getWebhooks()).singleElement().satisfies(w -> {
            assertThat(w.getFailurePolicy()).as("never blocks pod creation").isEqualTo("Ignore");
            assertThat(w.getSideEffects()).isEqualTo("None");
            assertThat(w.getAdmissionReviewVersions()).containsExactly("v1");
            assertThat(w.getTimeoutSeconds()).as("well below the API server's 30 s").isBetween(1, 5);
            assertThat(w.getRules()).singleElement().satisfies(r -> {
                assertThat(r.getOperations()).containsExactly("CREATE");
                assertThat(r.getResources()).containsExactly("pods");
            });
            assertThat(w.getClientConfig().getService().getPath()).isEqualTo("/admission/pods");
            assertThat(w.getClientConfig().getService().getName()).isEqualTo("osfit");
            assertThat(w.getNamespaceSelector().getMatchExpressions()).anySatisfy(e -> {
                assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
                assertThat(e.getOperator()).isEqualTo("NotIn");
                assertThat(e.getValues()).contains("kube-system", "osfit-system");
            });
            int port = w.getClientConfig().getService().getPort();
            V1Service service = Yaml.loadAs(webhook.resolve("service-webhook.yaml").toFile(), V1Service.class);
            assertThat(service.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(port));
        });
        assertThat(config.getMetadata().getAnnotations()).containsEntry("cert-manager.io/inject-ca-from", "osfit-system/osfit-webhook-tls");

        V1Container osfit = container(Yaml.loadAs(webhook.resolve("osfit-webhook.yaml").toFile(), V1Deployment.class));
        assertThat(env(osfit, "SPRING_PROFILES_ACTIVE")).isEqualTo("webhook");
        Map<String, Object> profile = new org.yaml.snakeyaml.Yaml().load(Files.readString(Path.of("src/main/resources/application-webhook.yaml")));
        Map<String, Object> admission = castMap(castMap(profile.get("osfit")).get("admission"));
        assertThat(osfit.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo(admission.get("tls-dir")));
        assertThat(osfit.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(admission.get("port")));
    }

    @Test
    void onlyTheGateOverlayMayWrite() throws IOException {
        // The base reads, and creates nothing but events (the placement audit's warnings).
        assertThat(all(V1ClusterRole.class)).flatExtracting(V1ClusterRole::getRules)
                .filteredOn(r -> !r.getResources().equals(List.of("events"))).flatExtracting(V1PolicyRule::getVerbs)
                .as("the base only reads").doesNotContain("patch", "create", "update", "delete");
        assertThat(all(V1ClusterRole.class)).flatExtracting(V1ClusterRole::getRules).flatExtracting(V1PolicyRule::getVerbs)
                .doesNotContain("patch", "update", "delete");
        Path gate = Path.of("manifests", "webhook-gate");
        List<Object> objects = Yaml.loadAll(gate.resolve("rbac-gate.yaml").toFile());
        V1ClusterRole role = objects.stream().filter(V1ClusterRole.class::isInstance).map(V1ClusterRole.class::cast).findFirst().orElseThrow();
        assertThat(role.getRules()).extracting(r -> r.getResources().get(0) + ":" + String.join(",", r.getVerbs()))
                .containsExactlyInAnyOrder("pods:patch", "events:create");
        V1Container osfit = container(Yaml.loadAs(gate.resolve("osfit-gate.yaml").toFile(), V1Deployment.class));
        assertThat(env(osfit, "OSFIT_ADMISSION_GATE_ENABLED")).isEqualTo("true");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void kubectlKustomizeRendersBothWays() throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not installed: kustomize rendering not checked");
        for (Path dir : List.of(Path.of("manifests"), MTLS, Path.of("manifests", "webhook"), Path.of("manifests", "webhook-gate"),
                Path.of("manifests", "mtls-webhook"))) {
            Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            List<String> kinds = new ArrayList<>();
            new org.yaml.snakeyaml.Yaml().loadAll(out).forEach(o -> kinds.add((String) castMap(o).get("kind")));
            assertThat(kinds).contains("Namespace", "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap",
                    "ClusterRole", "ClusterRoleBinding");
            assertThat(kinds.stream().filter("Deployment"::equals)).hasSize(2);
        }
    }

    /** The release bundle: one install file per profile, with the image and the kube-scheduler version an admin states. */
    @Test
    void theReleaseBundleRendersEachProfileWithTheStatedImages(@org.junit.jupiter.api.io.TempDir Path out) throws Exception {
        ProcessBuilder render = new ProcessBuilder("bash", "src/main/release/render.sh", "registry.example.com/team/osfit:9.9.9", "1.31.4")
                .redirectErrorStream(true);
        render.environment().put("OUT", out.toString());
        Process p = render.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        Map<String, List<String>> expectedKinds = Map.of("osfit.yaml", List.of(),
                "osfit-mtls.yaml", List.of("Certificate", "Issuer"), "osfit-webhook.yaml", List.of("MutatingWebhookConfiguration", "Certificate"));
        for (var e : expectedKinds.entrySet()) {
            List<Map<String, Object>> objects = new ArrayList<>();
            new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(out.resolve(e.getKey()))).forEach(o -> objects.add(castMap(o)));
            List<String> kinds = objects.stream().map(o -> (String) o.get("kind")).toList();
            assertThat(kinds).as(e.getKey()).contains("Namespace", "Deployment", "Service", "ClusterRole", "ConfigMap")
                    .containsAll(e.getValue());
            List<String> images = new ArrayList<>();
            objects.stream().filter(o -> "Deployment".equals(o.get("kind"))).forEach(d -> {
                Map<String, Object> spec = castMap(castMap(castMap(d.get("spec")).get("template")).get("spec"));
                ((List<?>) spec.get("containers")).forEach(c -> images.add((String) castMap(c).get("image")));
            });
            assertThat(images).as(e.getKey()).containsExactlyInAnyOrder("registry.example.com/team/osfit:9.9.9",
                    "registry.k8s.io/kube-scheduler:v1.31.4");
        }
        ProcessBuilder tooOld = new ProcessBuilder("bash", "src/main/release/render.sh", "osfit:1", "1.24.9").redirectErrorStream(true);
        tooOld.environment().put("OUT", out.toString());
        Process old = tooOld.start();
        assertThat(new String(old.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("1.25.0 or later");
        assertThat(old.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(old.exitValue()).isNotZero();
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
