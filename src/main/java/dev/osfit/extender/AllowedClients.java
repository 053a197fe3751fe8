package dev.osfit.extender;

import dev.osfit.config.OsfitProperties;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * With mutual TLS, any certificate the CA signed passes the handshake, osfit's own server certificate
 * included. {@code osfit.tls.allowed-clients} narrows that to the identities that may call (kube-scheduler's
 * certificate: its subject common name, or a DNS or URI subject alternative name); everyone else gets 403.
 * Empty (the default): any certificate the CA signed, as before. Plain HTTP requests carry no certificate
 * and are not this filter's business.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class AllowedClients implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(AllowedClients.class);

    private final Set<String> allowed;
    /** The last certificate seen and whether it may call: kube-scheduler presents the same one on every call. */
    private volatile Decision last;

    private record Decision(X509Certificate certificate, boolean allowed) {
    }

    AllowedClients(OsfitProperties properties) {
        this.allowed = Set.copyOf(properties.tls().allowedClients());
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        SslInfo ssl = exchange.getRequest().getSslInfo();
        if (allows(ssl == null ? null : ssl.getPeerCertificates())) {
            return chain.filter(exchange);
        }
        exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
        exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(FORBIDDEN)));
    }

    static final byte[] FORBIDDEN = ExtenderEncoder.error("client certificate is not in osfit.tls.allowed-clients");

    /** Whether a caller presenting this chain (null or empty: plain HTTP, or no certificate) may call. */
    boolean allows(X509Certificate[] chain) {
        if (allowed.isEmpty() || chain == null || chain.length == 0) {
            return true;
        }
        X509Certificate certificate = chain[0];
        Decision d = last;
        if (d == null || !d.certificate().equals(certificate)) {
            // Parsing names costs microseconds: once per distinct certificate, not per request.
            d = new Decision(certificate, identities(certificate).stream().anyMatch(allowed::contains));
            last = d;
            if (!d.allowed()) {
                log.debug("client certificate {} is not in osfit.tls.allowed-clients", identities(certificate));
            }
        }
        return d.allowed();
    }

    /** Whether nothing is checked at all (no allowed-clients list): then the verbs need not look at TLS. */
    boolean checksNothing() {
        return allowed.isEmpty();
    }

    /** The certificate's subject common names, then its DNS and URI subject alternative names. */
    static List<String> identities(X509Certificate certificate) {
        List<String> out = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    out.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // no common name to offer
        }
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> san : certificate.getSubjectAlternativeNames()) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 6) { // dNSName, uniformResourceIdentifier
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no alternative names to offer
        }
        return out;
    }
}
