package dev.osfit.registry;

import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One place where the registry API for an image is served: a mirror, or the image's own registry.
 *
 * @param scheme        {@code https} or {@code http}
 * @param authority     host[:port] the requests go to
 * @param root          the API root path ({@code /v2}, or a mirror's own path)
 * @param repository    the repository name at this endpoint (a registries.conf location may rename it)
 * @param mirror        a configured mirror (not the image's own registry)
 * @param resolve       may be asked for tags
 * @param pull          may be asked for digests and blobs
 * @param ns            the image's registry, sent as {@code ns=} to mirrors as containerd does; null for the upstream
 * @param credentialKey whose credentials this endpoint gets: a mirror its own host's, the upstream the image's registry's
 * @param ssl           the TLS settings of this endpoint (its own CAs, or no verification); null: the client's
 */
record Endpoint(String scheme, String authority, String root, String repository, boolean mirror, boolean resolve,
                boolean pull, String ns, String credentialKey, SslContext ssl) {

    URI manifest(String reference) {
        return uri("/manifests/" + reference);
    }

    URI blob(String digest) {
        return uri("/blobs/" + digest);
    }

    private URI uri(String tail) {
        String query = ns == null ? "" : "?ns=" + URLEncoder.encode(ns, StandardCharsets.UTF_8);
        return URI.create(scheme + "://" + authority + root + "/" + repository + tail + query);
    }

    /** How logs and errors name it. */
    String describe() {
        return (mirror ? "mirror " : "") + authority;
    }

    @Override
    public String toString() {
        return scheme + "://" + authority + root + "/" + repository + (mirror ? " (mirror)" : "");
    }
}
