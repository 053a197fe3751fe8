package dev.osfit.registry;

/** Why a registry lookup failed; the kind is the metric tag and decides how long the failure is cached. */
public final class RegistryException extends RuntimeException {

    public enum Kind {
        /** 401 after authenticating, or credentials needed and none configured. */
        UNAUTHORIZED,
        /** 403. */
        FORBIDDEN,
        /** 404: no such repository, tag or digest. */
        NOT_FOUND,
        /** 429. */
        RATE_LIMITED,
        /** 5xx or another unexpected status. */
        SERVER_ERROR,
        /** The answer is not a manifest, index or config osfit can read. */
        MALFORMED,
        /** A downgrade to plain HTTP refused: a token realm or a redirect to a host not in osfit.registry.insecure. */
        INSECURE,
        /** A manifest type osfit does not read (Docker schema 1, ...). */
        UNSUPPORTED,
        /** Larger than osfit.registry.max-manifest-size. */
        TOO_LARGE,
        /** The host or its address is refused by osfit.registry.allow / deny or the private-address rule. */
        REFUSED,
        /** No answer in time. */
        TIMEOUT,
        /** Connection failed, TLS failed, too many redirects. */
        NETWORK,
        /** The registry is blocked by the mirror configuration (registries.conf {@code blocked}), or no host may serve the reference. */
        BLOCKED
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
