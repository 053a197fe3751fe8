package dev.osfit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osfit.OsfitConfiguration;
import dev.osfit.image.ImagePlatforms;
import dev.osfit.image.ImageRef;
import dev.osfit.platform.Platform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/**
 * Mirrors with two real registries (Debian's docker-registry on loopback): the upstream holds
 * {@code osfit/app:1} as a Windows Server 2019 image, the mirror holds the same tag as a Linux arm64
 * image, so every answer shows which one osfit asked. Behind containerd's hosts.toml and CRI-O's
 * registries.conf: osfit follows the mirror, falls back to the upstream when the mirror is down,
 * and refuses a blocked registry without a request. Neither host is in osfit.registry.allow: loopback
 * is reached because the configuration names it.
 */
class MirrorRegistriesTest {

    static RealRegistry upstream;
    static RealRegistry mirror;
    static final Platform UPSTREAM = Platform.parse("windows(10.0.17763.6659)/amd64");
    static final Platform MIRROR = Platform.parse("linux/arm64");
    static String mirrorOnlyDigest;

    @BeforeAll
    static void start() throws Exception {
        upstream = RealRegistry.start();
        mirror = RealRegistry.start();
        upstream.pushImage("osfit/app", "1", "windows", "amd64", "10.0.17763.6659");
        upstream.pushImage("blocked/app", "1", "windows", "amd64", "10.0.17763.6659");
        mirror.pushImage("osfit/app", "1", "linux", "arm64", null);
        mirrorOnlyDigest = mirror.pushImage("osfit/app", "mirror-only", "linux", "arm64", null).split(" ")[0];
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
        mirror.close();
    }

    final List<String> asked = new CopyOnWriteArrayList<>();

    RegistryClient client(RegistryHosts hosts) {
        RegistryClient.Settings settings = new RegistryClient.Settings(Set.of(), null, Duration.ofSeconds(2), Duration.ofSeconds(5), 1 << 20, 3);
        return new RegistryClient(settings, new RegistryPolicy(List.of(), List.of(), false, hosts::configured), RegistryCredentials.none(),
                (host, status) -> asked.add(host + " " + status), hosts, null);
    }

    static List<Platform> resolve(RegistryClient client, String image) {
        return client.platforms(((ImageRef.Valid) ImageRef.parse(image)).ref()).block(Duration.ofSeconds(30));
    }

    /** A mirror that is down, for the length of one call. */
    static <T> T withMirrorDown(java.util.concurrent.Callable<T> call) throws Exception {
        mirror.stop();
        try {
            return call.call();
        } finally {
            mirror.run();
        }
    }

    @Nested
    class Containerd {

        @TempDir
        Path dir;

        ContainerdHosts hosts(String toml) throws Exception {
            Path registryDir = Files.createDirectories(dir.resolve(upstream.host));
            Files.writeString(registryDir.resolve("hosts.toml"), toml);
            return new ContainerdHosts(dir, Set.of(), null);
        }

        String mirrorFirst(String capabilities) {
            return """
                    server = "http://%s"
                    [host."http://%s"]
                      capabilities = %s
                    """.formatted(upstream.host, mirror.host, capabilities);
        }

        @Test
        void aTagIsReadFromTheMirrorWhenItAnswers() throws Exception {
            try (RegistryClient client = client(hosts(mirrorFirst("[\"pull\", \"resolve\"]")))) {
                assertThat(resolve(client, upstream.host + "/osfit/app:1")).containsExactly(MIRROR);
                assertThat(asked).allMatch(a -> a.startsWith(mirror.host + " 200"));
            }
        }

        @Test
        void theUpstreamAnswersWhenTheMirrorIsDown() throws Exception {
            try (RegistryClient client = client(hosts(mirrorFirst("[\"pull\", \"resolve\"]")))) {
                assertThat(withMirrorDown(() -> resolve(client, upstream.host + "/osfit/app:1"))).containsExactly(UPSTREAM);
                assertThat(asked).contains(mirror.host + " 0", upstream.host + " 200");
            }
        }

        @Test
        void theUpstreamAnswersWhenTheMirrorHasNotTheImage() throws Exception {
            try (RegistryClient client = client(hosts(mirrorFirst("[\"pull\", \"resolve\"]")))) {
                upstream.pushImage("osfit/upstream-only", "1", "windows", "amd64", "10.0.20348.2966");
                assertThat(resolve(client, upstream.host + "/osfit/upstream-only:1")).containsExactly(Platform.parse("windows(10.0.20348.2966)/amd64"));
                assertThat(asked).containsSubsequence(mirror.host + " 404", upstream.host + " 200");
            }
        }

        @Test
        void aPullOnlyMirrorIsNotAskedForTagsButServesDigests() throws Exception {
            try (RegistryClient client = client(hosts(mirrorFirst("[\"pull\"]")))) {
                assertThat(resolve(client, upstream.host + "/osfit/app:1")).containsExactly(UPSTREAM);
                assertThat(asked).noneMatch(a -> a.startsWith(mirror.host));
                assertThat(resolve(client, upstream.host + "/osfit/app@" + mirrorOnlyDigest)).containsExactly(MIRROR);
            }
        }

        @Test
        void theDefaultDirectoryServesRegistriesWithoutOneOfTheirOwn() throws Exception {
            Path defaults = Files.createDirectories(dir.resolve("_default"));
            Files.writeString(defaults.resolve("hosts.toml"), "[host.\"http://" + mirror.host + "\"]\n");
            try (RegistryClient client = client(new ContainerdHosts(dir, Set.of(), null))) {
                assertThat(resolve(client, "registry.invalid/osfit/app:1")).containsExactly(MIRROR);
            }
        }

        @Test
        void whenEveryHostFailsTheErrorNamesEachAndWhy() throws Exception {
            try (RegistryClient client = client(hosts(mirrorFirst("[\"pull\", \"resolve\"]")))) {
                assertThatThrownBy(() -> resolve(client, upstream.host + "/osfit/missing:1"))
                        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND))
                        .hasMessage("mirror " + mirror.host + ": no such image in the registry (404); " + upstream.host
                                + ": no such image in the registry (404)");
            }
        }

        @Test
        void aLoopbackRegistryTheConfigurationDoesNotNameIsStillRefused() throws Exception {
            try (RegistryClient client = client(hosts(mirrorFirst("[\"pull\", \"resolve\"]")))) {
                String other = "127.0.0.1:" + (Integer.parseInt(mirror.host.split(":")[1]) == 1 ? 2 : 1);
                assertThatThrownBy(() -> resolve(client, other + "/osfit/app:1"))
                        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.REFUSED));
            }
        }

        @Test
        void aChangedHostsTomlIsReadAgain() throws Exception {
            ContainerdHosts hosts = hosts("server = \"http://" + upstream.host + "\"\n");
            try (RegistryClient client = client(hosts)) {
                assertThat(resolve(client, upstream.host + "/osfit/app:1")).containsExactly(UPSTREAM);
                Files.writeString(dir.resolve(upstream.host).resolve("hosts.toml"), mirrorFirst("[\"pull\", \"resolve\"]"));
                Files.setLastModifiedTime(dir.resolve(upstream.host).resolve("hosts.toml"),
                        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
                hosts.refresh();
                assertThat(resolve(client, upstream.host + "/osfit/app:1")).containsExactly(MIRROR);
            }
        }

        /** The setting, bound and wired as osfit runs it: the registry source asks the mirror. */
        @Test
        void osfitWiredWithTheSettingFollowsTheMirror() throws Exception {
            hosts(mirrorFirst("[\"pull\", \"resolve\"]"));
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                    .withUserConfiguration(OsfitConfiguration.class, RegistryConfiguration.class)
                    .withBean(SimpleMeterRegistry.class)
                    .withPropertyValues("osfit.registry.containerd-hosts-dir=" + dir, "osfit.registry.request-budget=4s")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        Optional<ImagePlatforms> answer = context.getBean(RegistrySource.class)
                                .platforms(((ImageRef.Valid) ImageRef.parse(upstream.host + "/osfit/app:1")).ref())
                                .toCompletableFuture().get(10, TimeUnit.SECONDS);
                        assertThat(answer).hasValueSatisfying(p -> assertThat(p.platforms()).containsExactly(MIRROR));
                    });
        }
    }

    @Nested
    class CriO {

        @TempDir
        Path dir;

        RegistriesConf conf(String toml) throws Exception {
            return new RegistriesConf(Files.writeString(dir.resolve("registries.conf"), toml), Set.of());
        }

        String withMirror() {
            return """
                    [[registry]]
                    location = "%s"
                    insecure = true
                    [[registry.mirror]]
                    location = "%s"
                    insecure = true
                    [[registry]]
                    prefix = "%s/blocked"
                    location = "%s/blocked"
                    blocked = true
                    [[registry]]
                    prefix = "example.test/team"
                    location = "%s/osfit"
                    insecure = true
                    """.formatted(upstream.host, mirror.host, upstream.host, upstream.host, upstream.host);
        }

        @Test
        void aTagIsReadFromTheMirrorWhenItAnswers() throws Exception {
            try (RegistryClient client = client(conf(withMirror()))) {
                assertThat(resolve(client, upstream.host + "/osfit/app:1")).containsExactly(MIRROR);
                assertThat(asked).noneMatch(a -> a.startsWith(upstream.host));
            }
        }

        @Test
        void theUpstreamAnswersWhenTheMirrorIsDown() throws Exception {
            try (RegistryClient client = client(conf(withMirror()))) {
                assertThat(withMirrorDown(() -> resolve(client, upstream.host + "/osfit/app:1"))).containsExactly(UPSTREAM);
            }
        }

        @Test
        void aBlockedRegistryIsRefusedWithoutARequest() throws Exception {
            try (RegistryClient client = client(conf(withMirror()))) {
                assertThatThrownBy(() -> resolve(client, upstream.host + "/blocked/app:1"))
                        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.BLOCKED))
                        .hasMessageContaining("is blocked in registries.conf");
                assertThat(asked).isEmpty();
            }
        }

        @Test
        void aLocationRenamesThePrefix() throws Exception {
            try (RegistryClient client = client(conf(withMirror()))) {
                assertThat(resolve(client, "example.test/team/app:1")).containsExactly(UPSTREAM);
                assertThat(asked).allMatch(a -> a.startsWith(upstream.host));
            }
        }

        @Test
        void aDigestOnlyMirrorIsNotAskedForTags() throws Exception {
            try (RegistryClient client = client(conf(withMirror().replace("insecure = true\n[[registry]]\nprefix = \"" + upstream.host + "/blocked",
                    "insecure = true\npull-from-mirror = \"digest-only\"\n[[registry]]\nprefix = \"" + upstream.host + "/blocked")))) {
                assertThat(resolve(client, upstream.host + "/osfit/app:1")).containsExactly(UPSTREAM);
                assertThat(asked).noneMatch(a -> a.startsWith(mirror.host));
            }
        }

        @Test
        void anUnreadableFileStopsStartupWithItsName() {
            assertThatThrownBy(() -> conf("[[registry]]\nprefix = \"a\"\n[[registry.mirror]]\nlocation = \"https://x\"\n"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registries.conf")
                    .hasMessageContaining("without a scheme");
        }
    }
}
