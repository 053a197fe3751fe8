package dev.osfit.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.osfit.config.TestCertificatesAccess;
import dev.osfit.match.Reasons;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * osfit with mutual TLS (the tls profile) in cluster mode behind a real kube-scheduler with the shipped
 * {@code scheduler-config/osfit-mtls.yaml}: a scheduler presenting a certificate from osfit's CA is served;
 * one presenting a certificate from another CA is refused at the handshake (counted with reason
 * {@code unknown_ca}), schedules without osfit under {@code ignorable: true}, and the pod it misplaces is
 * reported by the placement audit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("tls")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class MtlsRealSchedulerTest {

    static final Path DIR;
    static final String SCHEDULER = "mtls-scheduler";

    static {
        try {
            DIR = Files.createTempDirectory("osfit-mtls-real");
            TestCertificatesAccess.writeMtlsFiles(DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        ControlPlane plane = RealSchedulerScenarios.plane();
        registry.add("osfit.tls.dir", () -> DIR.resolve("osfit").toString());
        registry.add("management.server.port", () -> "0");
        registry.add("osfit.nodes.source", () -> "cluster");
        registry.add("osfit.nodes.audit-unconsulted", () -> "true"); // one osfit answers every call here
        registry.add("osfit.nodes.kubeconfig", () -> plane.osfitKubeconfig().toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    static Map<String, String> tlsConfig(String client) {
        return Map.of("caFile", DIR.resolve(client).resolve("ca.crt").toString(),
                "certFile", DIR.resolve(client).resolve("scheduler-client.crt").toString(),
                "keyFile", DIR.resolve(client).resolve("scheduler-client.key").toString());
    }

    double count(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aSchedulerWithACertificateFromAnotherCaIsRefusedAndWhatItPlacesWithoutOsfitIsReported() {
        ControlPlane plane = RealSchedulerScenarios.plane();
        Kube kube = plane.kube();
        kube.namespace("mtls");
        await().atMost(Duration.ofSeconds(30)).until(() -> meters.find("osfit.nodes.indexed").gauge() != null
                && meters.find("osfit.nodes.indexed").gauge().value() >= RealSchedulerScenarios.NODES.size());
        String url = "https://127.0.0.1:" + port;

        try (KubeScheduler right = KubeScheduler.start(plane, "osfit-mtls.yaml", url, SCHEDULER, tlsConfig("right"))) {
            assertThat(kube.createPod("mtls", pod("iis-through-osfit", RealSchedulerScenarios.IIS_2019, null)).status()).isEqualTo(201);
            String node = kube.waitBound("mtls", "iis-through-osfit", Duration.ofSeconds(30));
            assertThat(node).as("bound; log:%n%s", right.log()).isNotNull();
            assertThat(RealSchedulerScenarios.platformOf(kube, node)).isEqualTo("windows 10.0.17763");
        }

        double unknownCa = count("osfit.tls.handshake.failures", "port", "main", "reason", "unknown_ca");
        try (KubeScheduler stranger = KubeScheduler.start(plane, "osfit-mtls.yaml", url, SCHEDULER, tlsConfig("stranger"))) {
            assertThat(kube.createPod("mtls", pod("core2022-stranger", RealSchedulerScenarios.CORE_2022, "linux")).status()).isEqualTo(201);
            String node = kube.waitBound("mtls", "core2022-stranger", Duration.ofSeconds(30));
            assertThat(node).as("bound without osfit (ignorable); log:%n%s", stranger.log()).isNotNull();
            List<String> events = kube.waitEvents("mtls", "core2022-stranger", "OsfitIncompatibleNode", Duration.ofSeconds(30));
            assertThat(events).singleElement().satisfies(m -> assertThat(m)
                    .contains(String.format(Reasons.PLATFORM_MISMATCH, "linux", RealSchedulerScenarios.CORE_2022, "windows")));
            assertThat(kube.waitEvents("mtls", "core2022-stranger", "OsfitNotConsulted", Duration.ofSeconds(10))).hasSize(1);
            System.out.printf("mutual TLS: a certificate from another CA was refused; the pod it bound to %s was reported: %s%n", node, events);
        }
        assertThat(count("osfit.tls.handshake.failures", "port", "main", "reason", "unknown_ca")).isGreaterThan(unknownCa);
        assertThat(kube.waitEvents("mtls", "iis-through-osfit", "OsfitNotConsulted", Duration.ofSeconds(1))).isEmpty();
    }

    /**
     * osfit's certificate and key rotated apart (the certificate 3 s before its key) while the scheduler keeps
     * scheduling through osfit: no handshake fails, no reload serves a mismatched pair, and once both files
     * are in place the new certificate is the one served.
     */
    @Test
    void aCertificateAndKeyRotatedApartCostNoHandshake() throws Exception {
        ControlPlane plane = RealSchedulerScenarios.plane();
        Kube kube = plane.kube();
        kube.namespace("mtls-rotate");
        await().atMost(Duration.ofSeconds(30)).until(() -> meters.find("osfit.nodes.indexed").gauge() != null
                && meters.find("osfit.nodes.indexed").gauge().value() >= RealSchedulerScenarios.NODES.size());
        double failures = meters.find("osfit.tls.handshake.failures").counters().stream().mapToDouble(c -> c.count()).sum();
        double mismatched = count("osfit.tls.reloads", "bundle", "osfit", "outcome", "mismatched");
        String[] renewed = TestCertificatesAccess.renewedServer("osfit rotated apart");
        try (KubeScheduler right = KubeScheduler.start(plane, "osfit-mtls.yaml", "https://127.0.0.1:" + port, SCHEDULER, tlsConfig("right"))) {
            Files.writeString(DIR.resolve("osfit").resolve("tls.crt"), renewed[0]);
            for (int i = 0; i < 6; i++) {
                assertThat(kube.createPod("mtls-rotate", nginx("nginx-" + i)).status()).isEqualTo(201);
                assertThat(kube.waitBound("mtls-rotate", "nginx-" + i, Duration.ofSeconds(30))).as("log:%n%s", right.log()).isNotNull();
                Thread.sleep(500);
                if (i == 5) {
                    Files.writeString(DIR.resolve("osfit").resolve("tls.key"), renewed[1]);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> servedSerial().equals(renewed[2]));
            assertThat(kube.createPod("mtls-rotate", nginx("nginx-after")).status()).isEqualTo(201);
            assertThat(kube.waitBound("mtls-rotate", "nginx-after", Duration.ofSeconds(30))).isNotNull();
        }
        assertThat(count("osfit.tls.reloads", "bundle", "osfit", "outcome", "mismatched")).as("the half-done rotation was held back")
                .isGreaterThan(mismatched);
        assertThat(meters.find("osfit.tls.handshake.failures").counters().stream().mapToDouble(c -> c.count()).sum())
                .as("failed handshakes during the rotation").isEqualTo(failures);
        for (int i = 0; i < 6; i++) {
            assertThat(kube.waitEvents("mtls-rotate", "nginx-" + i, "OsfitNotConsulted", Duration.ofMillis(200))).as("nginx-%d", i).isEmpty();
        }
    }

    /** The serial of the certificate osfit serves now, read by a client that presents the right certificate. */
    String servedSerial() throws Exception {
        javax.net.ssl.SSLContext context = TestCertificatesAccess.rightClientContext();
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber().toString();
        } catch (IOException e) {
            return "";
        }
    }

    static ObjectNode nginx(String name) {
        ObjectNode pod = pod(name, RealSchedulerScenarios.NGINX, "linux");
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put(RealSchedulerScenarios.ANNOTATION,
                RealSchedulerScenarios.NGINX + " linux/amd64 linux/arm64");
        return pod;
    }

    static ObjectNode pod(String name, String image, String os) {
        ObjectNode pod = Kube.pod(name, null, image);
        ObjectNode spec = (ObjectNode) pod.get("spec");
        spec.put("schedulerName", SCHEDULER);
        if (os != null) {
            spec.putObject("nodeSelector").put("kubernetes.io/os", os);
        }
        return pod;
    }
}
