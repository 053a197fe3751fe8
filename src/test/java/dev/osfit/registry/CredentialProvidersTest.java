package dev.osfit.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osfit.image.ImageRef;
import dev.osfit.platform.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's credential provider exec API, with plugins that are shell scripts: a registry that
 * wants Basic credentials gets those a plugin wrote, the plugin runs once per cache key and duration
 * it named, and a plugin that hangs, fails or answers nonsense leaves the lookup unauthorized,
 * counted and bounded in time.
 */
class CredentialProvidersTest {

    static final String INDEX = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1,
              "platform":{"architecture":"amd64","os":"windows","os.version":"10.0.26100.2605"}}]}""".formatted("4".repeat(64));

    @TempDir
    Path dir;
    RegistryStub registry;
    final List<String> runs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        registry = new RegistryStub();
        String basic = "Basic " + Base64.getEncoder().encodeToString("AWS:secret-token".getBytes(StandardCharsets.UTF_8));
        registry.server.stubFor(get(urlPathMatching("/v2/.*/manifests/.*")).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"registry\"")));
        registry.server.stubFor(get(urlPathMatching("/v2/.*/manifests/.*")).withHeader("Authorization", equalTo(basic))
                .willReturn(RegistryStub.index(INDEX)));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    /** A plugin script: records each request it reads, then does what body says. */
    Path plugin(String name, String body) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/sh\ncat > \"" + dir.resolve(name + ".request") + "\"\necho run >> \"" + dir.resolve(name + ".runs")
                + "\"\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    static String answer(String key, String cacheKeyType, String cacheDuration) {
        return "cat <<'EOF'\n{\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1\",\"kind\":\"CredentialProviderResponse\",\"cacheKeyType\":\""
                + cacheKeyType + "\"" + (cacheDuration == null ? "" : ",\"cacheDuration\":\"" + cacheDuration + "\"")
                + ",\"auth\":{\"" + key + "\":{\"username\":\"AWS\",\"password\":\"secret-token\"}}}\nEOF";
    }

    Path config(String name, String matchImages) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), """
                apiVersion: kubelet.config.k8s.io/v1
                kind: CredentialProviderConfig
                providers:
                  - name: %s
                    matchImages:
                      - "%s"
                    defaultCacheDuration: "12h"
                    apiVersion: credentialprovider.kubelet.k8s.io/v1
                    args: ["get-credentials"]
                    env:
                      - name: AWS_PROFILE
                        value: osfit
                """.formatted(name, matchImages));
    }

    RegistryClient client(CredentialProviders providers) {
        return new RegistryClient(new RegistryClient.Settings(Set.of(registry.host()), null, Duration.ofSeconds(2), Duration.ofSeconds(5),
                1 << 20, 3), new RegistryPolicy(List.of("127.0.0.1"), List.of(), false), RegistryCredentials.none(), (h, s) -> { },
                RegistryHosts.direct(Set.of(registry.host())), providers);
    }

    CredentialProviders providers(String name, String matchImages, Duration timeout) throws Exception {
        return new CredentialProviders(config(name, matchImages), dir.resolve("bin"), (p, outcome) -> runs.add(p + " " + outcome), timeout);
    }

    List<Platform> resolve(RegistryClient client, String repoAndTag) {
        return client.platforms(registry.ref(repoAndTag)).block(Duration.ofSeconds(30));
    }

    int pluginRuns(String name) throws Exception {
        Path file = dir.resolve(name + ".runs");
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    @Test
    void theCredentialsAPluginWritesOpenTheRegistryAndAreCachedForTheRegistryAsItSays() throws Exception {
        plugin("ecr-credential-provider", "[ \"$1\" = get-credentials ] && [ \"$AWS_PROFILE\" = osfit ] || exit 3\n"
                + answer(registry.host(), "Registry", "2s"));
        try (RegistryClient client = client(providers("ecr-credential-provider", "127.0.0.1", Duration.ofSeconds(5)))) {
            assertThat(resolve(client, "team/app:1")).containsExactly(Platform.parse("windows(10.0.26100.2605)/amd64"));
            assertThat(Files.readString(dir.resolve("ecr-credential-provider.request")))
                    .contains("\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1\"", "\"kind\":\"CredentialProviderRequest\"",
                            "\"image\":\"" + registry.host() + "/team/app:1\"");
            // Another image of the same registry, within the 2 s the plugin named: no second run.
            resolve(client, "team/other:7");
            assertThat(pluginRuns("ecr-credential-provider")).isEqualTo(1);
            Thread.sleep(2200);
            resolve(client, "team/third:1");
            assertThat(pluginRuns("ecr-credential-provider")).isEqualTo(2);
            assertThat(runs).containsOnly("ecr-credential-provider ok");
        }
    }

    @Test
    void anImageCacheKeyMeansOneRunPerImage() throws Exception {
        plugin("acr-credential-provider", answer(registry.host(), "Image", null));
        try (RegistryClient client = client(providers("acr-credential-provider", "127.0.0.1", Duration.ofSeconds(5)))) {
            resolve(client, "team/app:1");
            resolve(client, "team/app:1");
            resolve(client, "team/other:1");
            assertThat(pluginRuns("acr-credential-provider")).isEqualTo(2);
        }
    }

    @Test
    void aPluginThatDoesNotMatchTheImageIsNotRun() throws Exception {
        plugin("ecr-credential-provider", answer(registry.host(), "Registry", null));
        try (RegistryClient client = client(providers("ecr-credential-provider", "*.dkr.ecr.*.amazonaws.com", Duration.ofSeconds(5)))) {
            assertThatThrownBy(() -> resolve(client, "team/app:1")).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED));
            assertThat(pluginRuns("ecr-credential-provider")).isZero();
        }
    }

    @Test
    void aPluginThatHangsIsStoppedAtTheTimeoutAndTheLookupIsUnauthorized() throws Exception {
        plugin("slow", "sleep 30\n" + answer(registry.host(), "Registry", null));
        try (RegistryClient client = client(providers("slow", "127.0.0.1", Duration.ofMillis(500)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> resolve(client, "team/app:1")).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(runs).containsExactly("slow timeout");
        }
    }

    @Test
    void aPluginThatFailsIsCountedAndItsFailureCachedBriefly() throws Exception {
        plugin("broken", "echo 'no instance role' >&2\nexit 1");
        try (RegistryClient client = client(providers("broken", "127.0.0.1", Duration.ofSeconds(5)))) {
            assertThatThrownBy(() -> resolve(client, "team/app:1")).isInstanceOf(RegistryException.class);
            assertThatThrownBy(() -> resolve(client, "team/app:1")).isInstanceOf(RegistryException.class);
            assertThat(pluginRuns("broken")).as("the failure is kept for a while, not retried per lookup").isEqualTo(1);
            assertThat(runs).containsExactly("broken failed");
        }
    }

    @Test
    void anAnswerOfAnotherApiVersionOrWithoutCacheKeyTypeGivesNoCredentials() throws Exception {
        plugin("odd", answer(registry.host(), "Registry", null).replace("credentialprovider.kubelet.k8s.io/v1", "credentialprovider.kubelet.k8s.io/v2"));
        plugin("nokey", answer(registry.host(), "Sometimes", null));
        try (CredentialProviders odd = providers("odd", "127.0.0.1", Duration.ofSeconds(5))) {
            assertThat(odd.credentials(registry.ref("team/app:1")).blockOptional(Duration.ofSeconds(10))).isEmpty();
        }
        try (CredentialProviders nokey = providers("nokey", "127.0.0.1", Duration.ofSeconds(5))) {
            assertThat(nokey.credentials(registry.ref("team/app:1")).blockOptional(Duration.ofSeconds(10))).isEmpty();
        }
        assertThat(runs).containsExactly("odd failed", "nokey failed");
    }

    @Test
    void aConfigurationWithoutDefaultCacheDurationStopsStartupWithTheReason() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: kubelet.config.k8s.io/v1
                kind: CredentialProviderConfig
                providers:
                  - name: ecr-credential-provider
                    matchImages: ["*.dkr.ecr.*.amazonaws.com"]
                    apiVersion: credentialprovider.kubelet.k8s.io/v1
                """);
        assertThatThrownBy(() -> new CredentialProviders(config, dir, (p, o) -> { }))
                .hasMessageContaining("provider ecr-credential-provider has no defaultCacheDuration");
    }

    @Test
    void matchImagesFollowsTheKubeletsRules() {
        assertThat(ImageMatch.matches("*.azurecr.io", "myreg.azurecr.io/team/app")).isTrue();
        assertThat(ImageMatch.matches("*.azurecr.io", "a.b.azurecr.io/team/app")).as("a * is one host part").isFalse();
        assertThat(ImageMatch.matches("*.dkr.ecr.*.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app")).isTrue();
        assertThat(ImageMatch.matches("k8s.*.io", "k8s.gcr.io/pause")).isTrue();
        assertThat(ImageMatch.matches("registry.io:8080/path", "registry.io:8080/path/app")).isTrue();
        assertThat(ImageMatch.matches("registry.io:8080/path", "registry.io:8081/path/app")).as("the port must match").isFalse();
        assertThat(ImageMatch.matches("registry.io/path", "registry.io/other/app")).as("the path is a prefix").isFalse();
        assertThat(ImageMatch.matches("gcr.io", "gcr.io/project/app")).isTrue();
        assertThat(ImageMatch.matches("https://gcr.io/v1/", "gcr.io/project/app")).isFalse();
    }

    @Test
    void goDurationsAsTheKubeletWritesThem() {
        assertThat(CredentialProviders.goDuration("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(CredentialProviders.goDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(CredentialProviders.goDuration("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(CredentialProviders.goDuration("0")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> CredentialProviders.goDuration("12 hours")).isInstanceOf(IllegalArgumentException.class);
    }
}
