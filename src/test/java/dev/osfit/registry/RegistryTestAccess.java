package dev.osfit.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.time.Duration;

/** A registry stub and a source in front of it, for tests in other packages. */
public final class RegistryTestAccess implements AutoCloseable {

    private final RegistryStub stub = new RegistryStub();
    private final RegistryClient client = stub.client();

    /** An OCI image index JSON with one entry per platform, each "os arch [os.version]". */
    public static String ociIndex(String... platforms) {
        StringBuilder b = new StringBuilder("{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
        for (int i = 0; i < platforms.length; i++) {
            String[] p = platforms[i].split(" ");
            b.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:")
                    .append(String.valueOf(i + 1).repeat(64)).append("\",\"size\":1,\"platform\":{\"os\":\"").append(p[0])
                    .append("\",\"architecture\":\"").append(p[1]).append('"')
                    .append(p.length > 2 ? ",\"os.version\":\"" + p[2] + "\"" : "").append("}}");
        }
        return b.append("]}").toString();
    }

    public String host() {
        return stub.host();
    }

    public void serveIndex(String path) {
        stub.server.stubFor(get(urlEqualTo(path)).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)));
    }

    /** The next answers for this path: the index after {@code delayMillis}, or an HTTP status. */
    public void serveIndex(String path, int delayMillis) {
        stub.server.stubFor(get(urlEqualTo(path)).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX).withFixedDelay(delayMillis)));
    }

    /** This index (an OCI image index JSON) for the path, after {@code delayMillis}. */
    public void serveIndex(String path, String index, int delayMillis) {
        stub.server.stubFor(get(urlEqualTo(path)).willReturn(RegistryStub.index(index).withFixedDelay(delayMillis)));
    }

    public void serveStatus(String path, int status) {
        stub.server.stubFor(get(urlEqualTo(path)).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(status)));
    }

    public int requests(String path) {
        return stub.server.findAll(getRequestedFor(urlEqualTo(path))).size();
    }

    public void verifyRequested(String path) {
        stub.server.verify(getRequestedFor(urlEqualTo(path)));
    }

    /** A source whose tag answers expire after {@code tagTtl} (refreshed in the background after half of it). */
    public RegistrySource source(Duration tagTtl) {
        return new RegistrySource(client, new RegistrySource.Settings(Duration.ofSeconds(1), tagTtl, Duration.ofHours(1),
                Duration.ofSeconds(1), 100), kind -> { });
    }

    public RegistrySource source() {
        return new RegistrySource(client, new RegistrySource.Settings(Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofHours(1),
                Duration.ofSeconds(30), 100), kind -> { });
    }

    @Override
    public void close() {
        client.close();
        stub.close();
    }
}
