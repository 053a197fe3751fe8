package dev.osfit.registry;

import dev.osfit.image.ImageRef;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where osfit asks for an image, as the node's container runtime would: the mirrors configured for
 * the image's registry, in order, then the registry itself; or nowhere, when the registry is blocked.
 * Without configuration, the image's registry alone ({@link #direct}).
 */
interface RegistryHosts {

    /** The endpoints to try, in order, or why the image may not be asked for at all. */
    record Route(List<Endpoint> endpoints, String blocked) {
        static Route of(List<Endpoint> endpoints) {
            return new Route(List.copyOf(endpoints), null);
        }

        static Route blockedBy(String reason) {
            return new Route(List.of(), reason);
        }
    }

    Route route(ImageRef ref);

    /** Whether a configured mirror or location names this host (with port, or -1): such hosts pass the address rule. */
    boolean configured(String host, int port);

    /** Whether the configuration reaches this host:port (or host) over plain HTTP. */
    boolean plainHttp(String authority);

    /** The image's own registry: HTTPS, or plain HTTP for hosts in osfit.registry.insecure. */
    static RegistryHosts direct(Set<String> insecure) {
        return new RegistryHosts() {
            @Override
            public Route route(ImageRef ref) {
                return Route.of(List.of(upstream(ref, insecure, null)));
            }

            @Override
            public boolean configured(String host, int port) {
                return false;
            }

            @Override
            public boolean plainHttp(String authority) {
                return false;
            }
        };
    }

    /** The image's own registry as an endpoint (docker.io's API is at registry-1.docker.io). */
    static Endpoint upstream(ImageRef ref, Set<String> insecure, io.netty.handler.ssl.SslContext ssl) {
        String registry = ref.registry().toLowerCase(Locale.ROOT);
        return new Endpoint(insecure.contains(registry) ? "http" : "https", RegistryClient.apiHost(ref.registry()), "/v2",
                ref.repository(), false, true, true, null, registry, ssl);
    }
}
