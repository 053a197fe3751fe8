package dev.osfit.config;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made on the spot for TLS tests: a CA, and leaves it signs for servers and clients. */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A key pair with its certificate, and the CA certificate that signed it (itself for a CA). */
    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {

        /** A leaf certificate this CA signs, good for localhost and 127.0.0.1 (a server or a client). */
        public Issued sign(String cn) {
            return issue(this, cn);
        }

        public String certificatePem() {
            return pem(certificate);
        }

        /** PKCS#8 ("BEGIN PRIVATE KEY"), what cert-manager writes by default and every PEM reader takes. */
        public String keyPem() {
            try {
                return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** The public key as PEM ("BEGIN PUBLIC KEY"), as kube-apiserver reads service account keys. */
        public String publicKeyPem() {
            return pem(keys.getPublic());
        }

        /** A client context that presents this certificate (null: none) and trusts {@code trusted}. */
        public static SSLContext clientContext(Issued presented, X509Certificate trusted) {
            try {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("ca", trusted);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                if (presented != null) {
                    keys.setKeyEntry("client", presented.keys.getPrivate(), new char[0],
                            new X509Certificate[] {presented.certificate, presented.issuer});
                }
                kmf.init(keys, new char[0]);
                javax.net.ssl.X509ExtendedKeyManager jdk = (javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0];
                // Present the certificate whichever CAs the server names, as client-go does with its configured one
                // (the JDK's own choice would send none for a certificate from another CA).
                javax.net.ssl.X509ExtendedKeyManager always = new javax.net.ssl.X509ExtendedKeyManager() {
                    public String[] getClientAliases(String type, java.security.Principal[] issuers) {
                        return presented == null ? null : new String[] {"client"};
                    }

                    public String chooseClientAlias(String[] types, java.security.Principal[] issuers, java.net.Socket socket) {
                        return presented == null ? null : "client";
                    }

                    public String chooseEngineClientAlias(String[] types, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                        return presented == null ? null : "client";
                    }

                    public String[] getServerAliases(String type, java.security.Principal[] issuers) {
                        return null;
                    }

                    public String chooseServerAlias(String type, java.security.Principal[] issuers, java.net.Socket socket) {
                        return null;
                    }

                    public X509Certificate[] getCertificateChain(String alias) {
                        return jdk.getCertificateChain(alias);
                    }

                    public java.security.PrivateKey getPrivateKey(String alias) {
                        return jdk.getPrivateKey(alias);
                    }
                };
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(new javax.net.ssl.KeyManager[] {always}, tmf.getTrustManagers(), new SecureRandom());
                return context;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TestCertificates() {
    }

    public static Issued ca(String cn) {
        KeyPair keys = keys();
        X509Certificate cert = sign(new X500Name("CN=" + cn), keys, new X500Name("CN=" + cn), keys, true, null);
        return new Issued(keys, cert, cert);
    }

    private static Issued issue(Issued ca, String cn) {
        KeyPair keys = keys();
        GeneralNames names = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
        X509Certificate cert = sign(new X500Name("CN=" + cn), keys, new X500Name(ca.certificate.getSubjectX500Principal().getName()),
                ca.keys, false, names);
        return new Issued(keys, cert, ca.certificate);
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, boolean isCa,
                                        GeneralNames names) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (names != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, names);
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /**
     * Writes tls.crt, tls.key and ca.crt the way the kubelet mounts a Secret: the files live in a
     * timestamped directory, {@code ..data} links to it and each name links into {@code ..data}. A
     * second call swaps {@code ..data} atomically, as the kubelet does on rotation.
     */
    static void writeSecretVolume(Path dir, Issued server, X509Certificate clientCa) throws IOException {
        writeSecretVolume(dir, server, server, clientCa);
    }

    /** As above, with the certificate of one and the key of another: a rotation caught half done. */
    static void writeSecretVolume(Path dir, Issued certificateOf, Issued keyOf, X509Certificate clientCa) throws IOException {
        Path version = Files.createDirectories(dir.resolve("..v" + SERIAL.incrementAndGet()));
        Files.writeString(version.resolve("tls.crt"), certificateOf.certificatePem());
        Files.writeString(version.resolve("tls.key"), keyOf.keyPem());
        Files.writeString(version.resolve("ca.crt"), pem(clientCa));
        Path tmp = dir.resolve("..data_tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, version.getFileName());
        Files.move(tmp, dir.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String name : new String[] {"tls.crt", "tls.key", "ca.crt"}) {
            Path link = dir.resolve(name);
            if (!Files.isSymbolicLink(link)) {
                Files.createSymbolicLink(link, Path.of("..data", name));
            }
        }
    }
}
