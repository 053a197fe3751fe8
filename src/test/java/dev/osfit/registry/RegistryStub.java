package dev.osfit.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.osfit.image.ImageRef;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** WireMock as an OCI registry on 127.0.0.1, and registry answers as registries give them. */
final class RegistryStub implements AutoCloseable {

    static final String ATTESTATION = """
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":566,
             "annotations":{"vnd.docker.reference.digest":"sha256:aa","vnd.docker.reference.type":"attestation-manifest"},
             "platform":{"architecture":"unknown","os":"unknown"}}""".formatted("a".repeat(64));

    /** An index as mcr.microsoft.com serves a multi-build Windows image, plus a Linux entry and an attestation. */
    static final String MIXED_INDEX = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
             {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:%s","size":1,
              "platform":{"architecture":"amd64","os":"windows","os.version":"10.0.17763.6659"}},
             {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:%s","size":1,
              "platform":{"architecture":"amd64","os":"windows","os.version":"10.0.20348.2966","os.features":["win32k"]}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1,
              "platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
             %s]}""".formatted("1".repeat(64), "2".repeat(64), "3".repeat(64), ATTESTATION);

    final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

    RegistryStub() {
        server.start();
    }

    String host() {
        return "127.0.0.1:" + server.port();
    }

    ImageRef ref(String repoAndTag) {
        return ((ImageRef.Valid) ImageRef.parse(host() + "/" + repoAndTag)).ref();
    }

    RegistryClient client(RegistryCredentials credentials, List<String> deny, int maxBytes) {
        return new RegistryClient(new RegistryClient.Settings(Set.of(host()), null, Duration.ofSeconds(2), Duration.ofSeconds(3), maxBytes, 3),
                new RegistryPolicy(List.of("127.0.0.1"), deny, false), credentials);
    }

    RegistryClient client() {
        return client(RegistryCredentials.none(), List.of(), 4 * 1024 * 1024);
    }

    static ResponseDefinitionBuilder index(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/vnd.oci.image.index.v1+json").withBody(body);
    }

    @Override
    public void close() {
        server.stop();
    }
}
