package dev.osfit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * README's mutual TLS recipe, run as written (issue 19): the openssl commands make the files the shipped
 * configurations read, and osfit started on them serves kube-scheduler's client certificate from them.
 * {@code kubectl} is a stand-in that records its arguments.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("tls")
class MtlsRecipeTest {

    static final Path DIR;
    static final List<String> KUBECTL;

    static {
        try {
            DIR = Files.createTempDirectory("osfit-mtls-recipe");
            String readme = Files.readString(Path.of("README.md"));
            int section = readme.indexOf("### Mutual TLS");
            Matcher block = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(readme);
            assertThat(block.find(section)).as("README's Mutual TLS section has a sh block").isTrue();
            Files.writeString(DIR.resolve("recipe.sh"), block.group(1));
            Path bin = Files.createDirectories(DIR.resolve("bin"));
            Path kubectl = bin.resolve("kubectl");
            Files.writeString(kubectl, "#!/bin/sh\necho \"$*\" >> \"" + DIR.resolve("kubectl.log") + "\"\n");
            kubectl.toFile().setExecutable(true);
            ProcessBuilder run = new ProcessBuilder("bash", "-euo", "pipefail", "recipe.sh").directory(DIR.toFile())
                    .redirectErrorStream(true).redirectOutput(DIR.resolve("recipe.out").toFile());
            run.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            Process p = run.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("the recipe ran: %s", Files.readString(DIR.resolve("recipe.out"))).isZero();
            KUBECTL = Files.readAllLines(DIR.resolve("kubectl.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        registry.add("osfit.tls.dir", DIR::toString);
        registry.add("management.server.port", () -> "0");
    }

    @LocalServerPort
    int port;

    @Test
    void theRecipeWritesEveryFileTheShippedConfigurationsRead() throws Exception {
        // scheduler-config/osfit-mtls.yaml (the default scheduler): its tlsConfig files, by name.
        @SuppressWarnings("unchecked")
        Map<String, Object> config = new Yaml().load(Files.readString(Path.of("scheduler-config", "osfit-mtls.yaml")));
        @SuppressWarnings("unchecked")
        Map<String, String> tls = (Map<String, String>) ((Map<String, Object>) ((List<Object>) config.get("extenders")).get(0)).get("tlsConfig");
        for (String file : tls.values()) {
            assertThat(DIR.resolve(Path.of(file).getFileName())).as("%s from the recipe", file).isRegularFile();
        }
        // manifests/mtls: the two Secrets, with the keys the Deployments mount.
        assertThat(KUBECTL).containsExactly(
                "-n osfit-system create secret generic osfit-tls --from-file=tls.crt --from-file=tls.key --from-file=ca.crt",
                "-n osfit-system create secret generic osfit-scheduler-client-tls --from-file=tls.crt=scheduler-client.crt "
                        + "--from-file=tls.key=scheduler-client.key --from-file=ca.crt");
        X509Certificate server = certificate(DIR.resolve("tls.crt"));
        assertThat(server.getSubjectAlternativeNames()).extracting(n -> n.get(1).toString())
                .contains("osfit.osfit-system.svc", "osfit.osfit-system.svc.cluster.local", "localhost", "127.0.0.1");
    }

    @Test
    void osfitOnTheRecipesFilesServesTheRecipesClientCertificate() throws Exception {
        HttpResponse<String> answer = health(context(true), "https://127.0.0.1:" + port + "/filter");
        assertThat(answer.statusCode()).as("POST without a body: osfit's own 400, so TLS let the call through").isEqualTo(400);
        assertThatThrownBy(() -> health(context(false), "https://localhost:" + port + "/filter")).as("no client certificate")
                .isInstanceOf(IOException.class);
    }

    HttpResponse<String> health(SSLContext context, String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** kube-scheduler's side: scheduler-client.crt and .key presented, ca.crt trusted (hostname checked). */
    static SSLContext context(boolean presentCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(DIR.resolve("ca.crt")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (presentCertificate) {
            keys.setKeyEntry("client", privateKey(DIR.resolve("scheduler-client.key")), new char[0],
                    new X509Certificate[] {certificate(DIR.resolve("scheduler-client.crt"))});
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    static X509Certificate certificate(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static PrivateKey privateKey(Path file) throws Exception {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        assertThat(pem).as("OpenSSL 3 writes PKCS#8").contains("-----BEGIN PRIVATE KEY-----");
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
