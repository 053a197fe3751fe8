package dev.osfit.registry;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** TLS client contexts for registries: the JDK's CAs plus osfit.registry.ca-file, plus a mirror's own CAs. */
final class RegistryTls {

    private RegistryTls() {
    }

    /** The JDK's trusted CAs plus those in the PEM files (any of which may be null). */
    static SslContext trusting(List<Path> caFiles) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int n = 0;
            for (var tm : defaults.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (X509Certificate c : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("default-" + n++, c);
                    }
                }
            }
            for (Path caFile : caFiles) {
                try (InputStream in = Files.newInputStream(caFile)) {
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("extra-" + n++, c);
                    }
                } catch (IOException | java.security.GeneralSecurityException e) {
                    throw new IllegalStateException("cannot load the CA file " + caFile + ": " + e.getMessage(), e);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return SslContextBuilder.forClient().trustManager(tmf).build();
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for registries: " + e.getMessage(), e);
        }
    }

    /** A mirror's context: its CAs added to the global ones, or (skip_verify, insecure) no verification at all. */
    static SslContext forHost(Path globalCa, List<Path> hostCas, boolean skipVerify) {
        if (skipVerify) {
            try {
                return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot set up TLS without verification: " + e.getMessage(), e);
            }
        }
        if (hostCas.isEmpty()) {
            return null; // the client's own context
        }
        List<Path> all = new ArrayList<>(hostCas);
        if (globalCa != null) {
            all.add(globalCa);
        }
        return trusting(all);
    }
}
