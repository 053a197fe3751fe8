package dev.osfit.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.osfit.image.ImageRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS registries: certificates are verified; a private CA is trusted only through osfit.registry.ca-file. */
class RegistryTlsTest {

    @TempDir
    static Path dir;

    static WireMockServer server;
    static Path caPem;

    @BeforeAll
    static void httpsRegistry() throws Exception {
        Path keystore = dir.resolve("registry.p12");
        caPem = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "registry", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", caPem.toString());
        server = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true).dynamicHttpsPort()
                .keystorePath(keystore.toString()).keystorePassword("changeit").keyManagerPassword("changeit").keystoreType("PKCS12"));
        server.start();
        server.stubFor(get(urlEqualTo("/v2/app/manifests/1")).willReturn(RegistryStub.index(RegistryStub.MIXED_INDEX)));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    RegistryClient client(Path ca) {
        return new RegistryClient(new RegistryClient.Settings(Set.of(), ca, Duration.ofSeconds(2), Duration.ofSeconds(3), 4 << 20, 3),
                new RegistryPolicy(List.of("127.0.0.1"), List.of(), false), RegistryCredentials.none());
    }

    ImageRef ref() {
        return ((ImageRef.Valid) ImageRef.parse("127.0.0.1:" + server.httpsPort() + "/app:1")).ref();
    }

    @Test
    void anUntrustedCertificateIsRefused() {
        try (RegistryClient client = client(null)) {
            Throwable t = catchThrowable(() -> client.platforms(ref()).block(Duration.ofSeconds(10)));
            assertThat(t).isInstanceOf(RegistryException.class);
            assertThat(((RegistryException) t).kind()).isEqualTo(RegistryException.Kind.NETWORK);
        }
    }

    @Test
    void theExtraCaBundleMakesThePrivateRegistryTrusted() {
        try (RegistryClient client = client(caPem)) {
            assertThat(client.platforms(ref()).block(Duration.ofSeconds(10))).hasSize(3);
        }
    }
}
