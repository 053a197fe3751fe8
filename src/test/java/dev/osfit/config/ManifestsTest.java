package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.util.Yaml;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** manifests/ parses into typed Kubernetes objects that fit together. */
class ManifestsTest {

    static List<Object> objects = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("manifests"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                objects.addAll(Yaml.loadAll(new File(f.toString())));
            }
        }
    }

    static <T> T one(Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    @Test
    void theClusterRoleReadsNodesAndPodsAndNothingElse() {
        V1ClusterRole role = one(V1ClusterRole.class);
        assertThat(role.getRules()).hasSize(2).allSatisfy((V1PolicyRule rule) -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        });
        assertThat(role.getRules()).flatExtracting(V1PolicyRule::getResources).containsExactlyInAnyOrder("nodes", "pods");
        V1ClusterRoleBinding binding = one(V1ClusterRoleBinding.class);
        V1ServiceAccount account = one(V1ServiceAccount.class);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
        });
    }

    @Test
    void theDeploymentProbesTheHealthGroupsAndRunsInClusterMode() {
        V1Deployment deployment = one(V1Deployment.class);
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(one(V1ServiceAccount.class).getMetadata().getName());
        V1Container osfit = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(osfit.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(osfit.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(osfit.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("OSFIT_NODES_SOURCE");
            assertThat(e.getValue()).isEqualTo("cluster");
        });
        assertThat(osfit.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("SERVER_ADDRESS"));
        assertThat(osfit.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8888));
        assertThat(osfit.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }

    @Test
    void theServiceIsWhatTheSchedulerConfigsCall() {
        V1Service service = one(V1Service.class);
        V1Deployment deployment = one(V1Deployment.class);
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8888));
        String url = "http://" + service.getMetadata().getName() + "." + service.getMetadata().getNamespace() + ".svc:8888";
        assertThat(url).as("the urlPrefix in scheduler-config/").isEqualTo("http://osfit.osfit-system.svc:8888");
    }
}
