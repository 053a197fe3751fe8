package dev.osfit.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.image.ImagePlatforms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache and the request budget in front of the registry. */
class RegistrySourceTest {

    final RegistryStub registry = new RegistryStub();
    final RegistryClient client = registry.client();
    final List<RegistryException.Kind> errors = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    RegistrySource source(Duration budget, Duration tagTtl) {
        return new RegistrySource(client, new RegistrySource.Settings(budget, tagTtl, Duration.ofHours(1), Duration.ofSeconds(30), 100), errors::add);
    }

    Optional<ImagePlatforms> lookup(RegistrySource source, String image) throws Exception {
        // Bounded: a lookup never takes much longer than the budget.
        return source.platforms(registry.ref(image)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aSlowRegistryIsOverBudgetThenTheNextRequestHasItsAnswer() throws Exception {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX).withFixedDelay(1500)));
        RegistrySource source = source(Duration.ofMillis(200), Duration.ofMinutes(10));

        CompletableFuture<Optional<ImagePlatforms>> first = source.platforms(registry.ref("app:1")).toCompletableFuture();
        assertThat(first.get(1, TimeUnit.SECONDS)).as("over budget: not known yet").isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> lookup(source, "app:1").isPresent());
        assertThat(lookup(source, "app:1").orElseThrow().platforms()).hasSize(3);
        registry.server.verify(1, getRequestedFor(urlEqualTo("/v2/app/manifests/1")));
    }

    @Test
    void concurrentRequestsForOneImageShareOneFetch() throws Exception {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX).withFixedDelay(300)));
        RegistrySource source = source(Duration.ofSeconds(2), Duration.ofMinutes(10));
        List<CompletableFuture<Optional<ImagePlatforms>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(source.platforms(registry.ref("app:1")).toCompletableFuture());
        }
        for (CompletableFuture<Optional<ImagePlatforms>> f : all) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isPresent();
        }
        registry.server.verify(1, getRequestedFor(urlEqualTo("/v2/app/manifests/1")));
    }

    @Test
    void aFailureIsKeptBrieflyAndCountedByKind() throws Exception {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withStatus(500)));
        RegistrySource source = source(Duration.ofSeconds(2), Duration.ofMinutes(10));
        assertThat(lookup(source, "app:1")).isEmpty();
        assertThat(lookup(source, "app:1")).isEmpty();
        registry.server.verify(1, getRequestedFor(urlEqualTo("/v2/app/manifests/1")));
        assertThat(errors).containsExactly(RegistryException.Kind.SERVER_ERROR);
    }

    @Test
    void aTagIsRefreshedInTheBackgroundWhileItsOldAnswerServes() throws Exception {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)));
        RegistrySource source = source(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(lookup(source, "app:1")).isPresent();
        Thread.sleep(1200); // past half the tag TTL
        assertThat(lookup(source, "app:1")).as("the old answer, at once").isPresent();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                registry.server.verify(2, getRequestedFor(urlEqualTo("/v2/app/manifests/1"))));
    }

    /** Issue 16, cost: a cached tag is revalidated with a HEAD; only a new digest fetches the index again. */
    @Test
    void aTagIsRevalidatedWithAHeadAndFetchedAgainOnlyWhenItsDigestMoves() throws Exception {
        String first = "sha256:" + "1".repeat(64);
        String moved = "sha256:" + "2".repeat(64);
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1"))
                .willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX).withHeader("Docker-Content-Digest", first)));
        registry.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.head(urlEqualTo("/v2/app/manifests/1"))
                .willReturn(aResponse().withStatus(200).withHeader("Docker-Content-Digest", first)));
        RegistrySource source = source(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(lookup(source, "app:1").orElseThrow().platforms()).hasSize(3);
        for (int round = 1; round <= 3; round++) {
            Thread.sleep(1200); // past half the tag TTL: the next lookup starts a refresh
            assertThat(lookup(source, "app:1")).isPresent();
            int heads = round;
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> registry.server.verify(heads,
                    com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor(urlEqualTo("/v2/app/manifests/1"))));
        }
        registry.server.verify(1, getRequestedFor(urlEqualTo("/v2/app/manifests/1")));

        // The tag moves to an index with only a Linux entry.
        String linuxOnly = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "3".repeat(64)
                + "\",\"size\":1,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1"))
                .willReturn(RegistryStub.index(linuxOnly).withHeader("Docker-Content-Digest", moved)));
        registry.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.head(urlEqualTo("/v2/app/manifests/1"))
                .willReturn(aResponse().withStatus(200).withHeader("Docker-Content-Digest", moved)));
        Thread.sleep(1200);
        lookup(source, "app:1");
        await().atMost(Duration.ofSeconds(5)).until(() -> lookup(source, "app:1").orElseThrow().platforms().size() == 1);
        registry.server.verify(2, getRequestedFor(urlEqualTo("/v2/app/manifests/1")));
    }

    @Test
    void aDigestIsNeverFetchedAgain() throws Exception {
        String digest = "sha256:" + "f".repeat(64);
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/" + digest)).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)));
        RegistrySource source = source(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(lookup(source, "app@" + digest)).isPresent();
        Thread.sleep(1200);
        assertThat(lookup(source, "app@" + digest)).isPresent();
        Thread.sleep(500);
        registry.server.verify(1, getRequestedFor(urlEqualTo("/v2/app/manifests/" + digest)));
    }

    @Test
    void theSameImageWrittenTwoWaysIsOneEntry() throws Exception {
        registry.server.stubFor(get(urlEqualTo("/v2/library/app/manifests/latest")).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)));
        RegistrySource source = source(Duration.ofSeconds(2), Duration.ofMinutes(10));
        assertThat(lookup(source, "library/app")).isPresent();
        assertThat(lookup(source, "library/app:latest")).isPresent();
        registry.server.verify(1, getRequestedFor(urlEqualTo("/v2/library/app/manifests/latest")));
    }
}
