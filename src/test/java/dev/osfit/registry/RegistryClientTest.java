package dev.osfit.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osfit.platform.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The registry client against WireMock as a registry. */
class RegistryClientTest {

    final RegistryStub registry = new RegistryStub();
    RegistryClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        registry.close();
    }

    List<Platform> resolve(String image) {
        return client.platforms(registry.ref(image)).block(Duration.ofSeconds(10));
    }

    RegistryException failure(String image) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> resolve(image));
        assertThat(t).isInstanceOf(RegistryException.class);
        return (RegistryException) t;
    }

    @Test
    void aTokenChallengeThenTheIndexWithoutItsAttestation() {
        String realm = "http://" + registry.host() + "/token";
        registry.server.stubFor(get(urlEqualTo("/v2/win/iis/manifests/ltsc")).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate",
                        "Bearer realm=\"" + realm + "\",service=\"stub-registry\",scope=\"repository:win/iis:pull\"")));
        registry.server.stubFor(get(urlPathEqualTo("/token")).withQueryParam("service", equalTo("stub-registry"))
                .withQueryParam("scope", equalTo("repository:win/iis:pull"))
                .willReturn(aResponse().withStatus(200).withBody("{\"token\":\"t0k3n\",\"expires_in\":300}")));
        registry.server.stubFor(get(urlEqualTo("/v2/win/iis/manifests/ltsc")).withHeader("Authorization", equalTo("Bearer t0k3n"))
                .withHeader("Accept", equalTo(ManifestParser.ACCEPT))
                .willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)));
        client = registry.client();

        assertThat(resolve("win/iis:ltsc")).containsExactly(
                Platform.parse("windows(10.0.17763.6659)/amd64"),
                new Platform("windows", "amd64", null, dev.osfit.platform.OsVersion.parse("10.0.20348.2966"), List.of("win32k")),
                Platform.parse("linux/arm64/v8"));
        resolve("win/iis:ltsc");
        registry.server.verify(1, getRequestedFor(urlPathEqualTo("/token")));
    }

    @Test
    void aSingleManifestIsReadThroughItsConfigBlob() {
        String config = "sha256:" + "c".repeat(64);
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1.0")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .withBody("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":10},\"layers\":[]}")));
        registry.server.stubFor(get(urlEqualTo("/v2/app/blobs/" + config)).willReturn(aResponse().withStatus(200)
                .withBody("{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.26100.2605\",\"config\":{},\"rootfs\":{}}")));
        client = registry.client();
        assertThat(resolve("app:1.0")).containsExactly(Platform.parse("windows(10.0.26100.2605)/amd64"));
    }

    @Test
    void credentialsFromADockerConfigGoToTheTokenService(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"dXNlcjpzZWNyZXQ=\"}}}");
        registry.server.stubFor(get(urlEqualTo("/v2/private/app/manifests/2")).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer realm=\"http://" + registry.host() + "/token\"")));
        registry.server.stubFor(get(urlPathEqualTo("/token")).withHeader("Authorization", equalTo("Basic dXNlcjpzZWNyZXQ="))
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"private\"}")));
        registry.server.stubFor(get(urlEqualTo("/v2/private/app/manifests/2")).withHeader("Authorization", equalTo("Bearer private"))
                .willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)));
        client = registry.client(new RegistryCredentials(config), List.of(), 4 << 20);
        assertThat(resolve("private/app:2")).hasSize(3);
    }

    @Test
    void aBasicChallengeWithoutCredentialsIsUnauthorized() {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Basic realm=\"registry\"")));
        client = registry.client();
        assertThat(failure("app:1").kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
    }

    @ParameterizedTest(name = "HTTP {0} is {1}")
    @CsvSource({"401, UNAUTHORIZED", "403, FORBIDDEN", "404, NOT_FOUND", "429, RATE_LIMITED", "500, SERVER_ERROR", "503, SERVER_ERROR"})
    void statusCodes(int status, RegistryException.Kind kind) {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withStatus(status).withBody("{}")));
        client = registry.client();
        assertThat(failure("app:1").kind()).isEqualTo(kind);
    }

    /** Issue 16, rate limits: an answer that says none are left (RateLimit-Remaining: 0) keeps osfit away until the reset. */
    @Test
    void rateLimitRemainingZeroBacksOffUntilTheReset() throws Exception {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)
                .withHeader("RateLimit-Limit", "100;w=21600").withHeader("RateLimit-Remaining", "0;w=21600").withHeader("RateLimit-Reset", "2")));
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/2")).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)
                .withHeader("RateLimit-Remaining", "99;w=21600")));
        client = registry.client();
        assertThat(resolve("app:1")).hasSize(3);
        assertThat(failure("app:2").kind()).as("the window is spent: no request").isEqualTo(RegistryException.Kind.RATE_LIMITED);
        registry.server.verify(0, getRequestedFor(urlEqualTo("/v2/app/manifests/2")));
        Thread.sleep(2200);
        assertThat(resolve("app:2")).hasSize(3);
        assertThat(resolve("app:2")).as("99 left: no back-off").hasSize(3);
        registry.server.verify(2, getRequestedFor(urlEqualTo("/v2/app/manifests/2")));
    }

    /** Issue 16, rate limits: a 429's Retry-After is honoured per registry: no request until it has passed. */
    @Test
    void a429sRetryAfterKeepsOsfitAwayFromThatRegistryUntilItPasses() throws Exception {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).inScenario("limit").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("lifted"));
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).inScenario("limit").whenScenarioStateIs("lifted")
                .willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)));
        List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        client = new RegistryClient(new RegistryClient.Settings(java.util.Set.of(registry.host()), null, Duration.ofSeconds(2), Duration.ofSeconds(3),
                4 * 1024 * 1024, 3), new RegistryPolicy(List.of("127.0.0.1"), List.of(), false), RegistryCredentials.none(),
                (host, status) -> answers.add(host + " " + status));
        assertThat(failure("app:1").kind()).isEqualTo(RegistryException.Kind.RATE_LIMITED);
        RegistryException waiting = failure("app:1");
        assertThat(waiting.kind()).isEqualTo(RegistryException.Kind.RATE_LIMITED);
        assertThat(waiting).hasMessageContaining("waiting").hasMessageContaining("Retry-After");
        registry.server.verify(1, getRequestedFor(urlEqualTo("/v2/app/manifests/1")));
        Thread.sleep(2200);
        assertThat(resolve("app:1")).hasSize(3);
        registry.server.verify(2, getRequestedFor(urlEqualTo("/v2/app/manifests/1")));
        assertThat(answers).containsExactly(registry.host() + " 429", registry.host() + " 200");
    }

    @Test
    void malformedJsonIsMalformed() {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(RegistryStub.index("{\"manifests\": [")));
        client = registry.client();
        assertThat(failure("app:1").kind()).isEqualTo(RegistryException.Kind.MALFORMED);
    }

    @Test
    void anIndexOfOnlyAttestationsListsNoPlatform() {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(
                RegistryStub.index("{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" + RegistryStub.ATTESTATION + "]}")));
        client = registry.client();
        assertThat(failure("app:1")).hasMessageEndingWith(": index lists no platform");
    }

    @Test
    void anOversizedManifestIsRefused() {
        String big = "{\"manifests\":[],\"pad\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}";
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/big")).willReturn(RegistryStub.index(big)));
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/chunked")).willReturn(RegistryStub.index(big).withChunkedDribbleDelay(4, 50)));
        client = registry.client();
        assertThat(failure("app:big").kind()).isEqualTo(RegistryException.Kind.TOO_LARGE);
        assertThat(failure("app:chunked").kind()).as("without Content-Length").isEqualTo(RegistryException.Kind.TOO_LARGE);
    }

    @ParameterizedTest(name = "a redirect to {0} is refused")
    @CsvSource({"https://169.254.169.254/latest/meta-data/, link-local", "https://localhost:{port}/v2/other, loopback",
            "https://10.1.2.3/blob, private", "https://[::1]:{port}/x, loopback", "https://[64:ff9b::a9fe:a9fe]/x, link-local"})
    void aRedirectToARefusedAddress(String location, String kind) {
        String config = "sha256:" + "d".repeat(64);
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                .withBody("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + config + "\"}}")));
        registry.server.stubFor(get(urlEqualTo("/v2/app/blobs/" + config)).willReturn(aResponse().withStatus(307)
                .withHeader("Location", location.replace("{port}", String.valueOf(registry.server.port())))));
        client = registry.client();
        RegistryException e = failure("app:1");
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.REFUSED);
        assertThat(e.getMessage()).contains(kind);
    }

    @Test
    void theRegistryTokenDoesNotFollowARedirectToAnotherHost() {
        String config = "sha256:" + "e".repeat(64);
        String realm = "http://" + registry.host() + "/token";
        registry.server.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(200).withBody("{\"token\":\"secret\"}")));
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"")));
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).withHeader("Authorization", equalTo("Bearer secret"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                        .withBody("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + config + "\"}}")));
        registry.server.stubFor(get(urlEqualTo("/v2/app/blobs/" + config)).willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://localhost:" + registry.server.port() + "/storage/blob")));
        registry.server.stubFor(get(urlEqualTo("/storage/blob")).willReturn(aResponse().withStatus(200)
                .withBody("{\"architecture\":\"amd64\",\"os\":\"linux\"}")));
        client = new RegistryClient(new RegistryClient.Settings(java.util.Set.of(registry.host(), "localhost:" + registry.server.port()),
                null, Duration.ofSeconds(2), Duration.ofSeconds(3), 4 << 20, 3),
                new RegistryPolicy(List.of("127.0.0.1", "localhost"), List.of(), false), RegistryCredentials.none());
        assertThat(resolve("app:1")).containsExactly(Platform.parse("linux/amd64"));
        registry.server.verify(getRequestedFor(urlEqualTo("/storage/blob")).withHeader("Authorization", absent()));
    }

    @Test
    void aPlainHttpTokenRealmOnAHostNotListedInsecureIsRefusedAndGetsNoCredentials(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"dXNlcjpzZWNyZXQ=\"}}}");
        registry.server.stubFor(get(urlEqualTo("/v2/private/app/manifests/3")).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer realm=\"http://localhost:" + registry.server.port() + "/token\"")));
        registry.server.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(200).withBody("{\"token\":\"t\"}")));
        client = new RegistryClient(new RegistryClient.Settings(java.util.Set.of(registry.host()), null, Duration.ofSeconds(2),
                Duration.ofSeconds(3), 4 << 20, 3), new RegistryPolicy(List.of("127.0.0.1", "localhost"), List.of(), false),
                new RegistryCredentials(config));
        RegistryException e = failure("private/app:3");
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.INSECURE);
        assertThat(e.getMessage()).contains("token realm localhost is plain HTTP");
        registry.server.verify(0, getRequestedFor(urlPathEqualTo("/token")));
    }

    @Test
    void aRedirectToPlainHttpOnAHostNotListedInsecureIsNotFollowed() {
        String config = "sha256:" + "f".repeat(64);
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/4")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                .withBody("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + config + "\"}}")));
        registry.server.stubFor(get(urlEqualTo("/v2/app/blobs/" + config)).willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://localhost:" + registry.server.port() + "/storage/plain")));
        client = new RegistryClient(new RegistryClient.Settings(java.util.Set.of(registry.host()), null, Duration.ofSeconds(2),
                Duration.ofSeconds(3), 4 << 20, 3), new RegistryPolicy(List.of("127.0.0.1", "localhost"), List.of(), false),
                RegistryCredentials.none());
        RegistryException e = failure("app:4");
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.INSECURE);
        assertThat(e.getMessage()).contains("redirected to plain HTTP (localhost");
        registry.server.verify(0, getRequestedFor(urlEqualTo("/storage/plain")));
    }

    @Test
    void aDeniedHostIsNeverContacted() {
        client = registry.client(RegistryCredentials.none(), List.of("127.0.0.1"), 4 << 20);
        assertThat(failure("app:1").getMessage()).contains("osfit.registry.deny");
        assertThat(registry.server.getAllServeEvents()).isEmpty();
    }

    @Test
    void tooManyRedirects() {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://" + registry.host() + "/v2/app/manifests/1")));
        client = registry.client();
        assertThat(failure("app:1").kind()).isEqualTo(RegistryException.Kind.NETWORK);
    }

    @Test
    void aSilentRegistryTimesOut() {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX).withFixedDelay(5000)));
        client = registry.client();
        assertThat(failure("app:1").kind()).isEqualTo(RegistryException.Kind.TIMEOUT);
    }

    @Test
    void aNonHttpRealmIsRefused() {
        registry.server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer realm=\"file:///etc/passwd\"")));
        client = registry.client();
        assertThatThrownBy(() -> resolve("app:1")).isInstanceOf(RegistryException.class).hasMessageContaining("realm");
    }
}
