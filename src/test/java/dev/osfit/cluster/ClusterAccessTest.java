package dev.osfit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What osfit.nodes.source=auto finds. */
class ClusterAccessTest {

    @TempDir
    Path home;

    @TempDir
    Path secrets;

    Path token;

    @org.junit.jupiter.api.BeforeEach
    void tokenPath() {
        token = secrets.resolve("token");
    }

    @Test
    void noCredentialsMeansRequestMode() {
        assertThat(find(null, Map.of())).isNull();
    }

    @Test
    void anExplicitKubeconfigWins() {
        assertThat(find("/etc/osfit/kubeconfig", Map.of())).contains("/etc/osfit/kubeconfig");
    }

    @Test
    void kubeconfigFromTheEnvironmentWhenTheFileExists() throws IOException {
        Path file = Files.writeString(home.resolve("cfg"), "apiVersion: v1");
        assertThat(find(null, Map.of("KUBECONFIG", file.toString()))).contains("(KUBECONFIG)");
        assertThat(find(null, Map.of("KUBECONFIG", home.resolve("missing").toString()))).isNull();
    }

    @Test
    void theDefaultKubeconfigInTheHomeDirectory() throws IOException {
        Files.createDirectories(home.resolve(".kube"));
        Files.writeString(home.resolve(".kube/config"), "apiVersion: v1");
        assertThat(find(null, Map.of())).isEqualTo("kubeconfig " + home.resolve(".kube/config"));
    }

    @Test
    void inClusterNeedsBothTheServiceHostAndAMountedToken() throws IOException {
        Map<String, String> env = Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1");
        assertThat(find(null, env)).isNull();
        Files.writeString(token, "t");
        assertThat(find(null, env)).isEqualTo("in-cluster service account");
        assertThat(find(null, Map.of())).isNull();
    }

    private String find(String kubeconfig, Map<String, String> env) {
        return ClusterAccess.findCredentials(kubeconfig, env, home, token);
    }
}
