package dev.osfit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;

/**
 * Spring Boot's bundle registry, with two things it does not do: a reloaded bundle is applied only when
 * its certificate and private key belong together (a rotation that writes {@code tls.crt} before
 * {@code tls.key} would otherwise be served as the new certificate with the old key, and every handshake
 * would fail until the key arrived: the current bundle stays until both are in place), and every reload
 * is logged with the certificate's subject, serial and expiry, and counted.
 *
 * <p>Metrics: {@code osfit.tls.reloads} by {@code bundle} and {@code outcome} ({@code applied},
 * {@code mismatched}); {@code osfit.tls.certificate.expiry} (seconds since the epoch) by {@code bundle}.
 */
class VerifiedSslBundles extends DefaultSslBundleRegistry {

    private static final Logger log = LoggerFactory.getLogger(VerifiedSslBundles.class);

    private final MeterRegistry meters;
    private final Map<String, AtomicLong> notAfter = new ConcurrentHashMap<>();

    VerifiedSslBundles(ObjectProvider<SslBundleRegistrar> registrars, MeterRegistry meters) {
        this.meters = meters;
        registrars.orderedStream().forEach(r -> r.registerBundles(this));
    }

    @Override
    public void registerBundle(String name, SslBundle bundle) {
        super.registerBundle(name, bundle);
        X509Certificate certificate = certificate(bundle);
        if (certificate != null) {
            expiry(name).set(certificate.getNotAfter().getTime() / 1000);
        }
    }

    @Override
    public void updateBundle(String name, SslBundle bundle) {
        X509Certificate certificate = certificate(bundle);
        String mismatch = mismatch(bundle);
        if (mismatch != null) {
            reloads(name, "mismatched").increment();
            log.warn("TLS bundle {}: not reloaded: {}; still serving the previous certificate until certificate and key "
                    + "match (a rotation writing tls.crt and tls.key one after the other passes through this)", name, mismatch);
            return;
        }
        super.updateBundle(name, bundle);
        reloads(name, "applied").increment();
        if (certificate != null) {
            expiry(name).set(certificate.getNotAfter().getTime() / 1000);
            log.info("TLS bundle {}: reloaded: subject {}, serial {}, valid until {}", name,
                    certificate.getSubjectX500Principal().getName(), certificate.getSerialNumber().toString(16), certificate.getNotAfter().toInstant());
        } else {
            log.info("TLS bundle {}: reloaded", name);
        }
    }

    private Counter reloads(String name, String outcome) {
        return Counter.builder("osfit.tls.reloads").tag("bundle", name).tag("outcome", outcome)
                .description("TLS bundle reloads after their files changed: applied, or refused because certificate and key do not match")
                .register(meters);
    }

    private AtomicLong expiry(String name) {
        return notAfter.computeIfAbsent(name, n -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("osfit.tls.certificate.expiry", value, AtomicLong::get).tag("bundle", n).baseUnit("seconds")
                    .description("when the served certificate expires, in seconds since the epoch").register(meters);
            return value;
        });
    }

    /** The key entries of the bundle's key store (a PEM bundle has one), empty when it has no key store. */
    private static java.util.List<String> keyAliases(KeyStore store) throws GeneralSecurityException {
        return store == null ? java.util.List.of() : Collections.list(store.aliases()).stream().filter(alias -> {
            try {
                return store.isKeyEntry(alias);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }).toList();
    }

    /** The bundle's own certificate (the first key entry's), or null when it has none. */
    static X509Certificate certificate(SslBundle bundle) {
        try {
            KeyStore store = bundle.getStores().getKeyStore();
            for (String alias : keyAliases(store)) {
                if (store.getCertificate(alias) instanceof X509Certificate x509) {
                    return x509;
                }
            }
        } catch (GeneralSecurityException e) {
            return null;
        }
        return null;
    }

    /** Why the bundle's private key does not belong to its certificate, or null when it does (or there is no key). */
    static String mismatch(SslBundle bundle) {
        try {
            KeyStore store = bundle.getStores().getKeyStore();
            String password = bundle.getStores().getKeyStorePassword();
            for (String alias : keyAliases(store)) {
                Key key = store.getKey(alias, password == null ? new char[0] : password.toCharArray());
                Certificate certificate = store.getCertificate(alias);
                if (key instanceof PrivateKey privateKey && certificate != null && !signsFor(privateKey, certificate)) {
                    return "the private key does not belong to the certificate "
                            + (certificate instanceof X509Certificate x ? x.getSubjectX500Principal().getName() : "");
                }
            }
            return null;
        } catch (GeneralSecurityException e) {
            return "cannot read the key store: " + e.getMessage();
        }
    }

    /** A signature made with the key verifies with the certificate's public key: works for RSA, EC and EdDSA alike. */
    private static boolean signsFor(PrivateKey key, Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // an algorithm osfit cannot test: leave it to the handshake
        }
        if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())
                && !(algorithm.startsWith("Ed") && certificate.getPublicKey().getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(challenge);
        return verifier.verify(signature);
    }
}
