package dev.osfit.extender;

/** A names-only request arrived before the node index had its first full list. */
final class IndexNotReadyException extends RuntimeException {

    static final String MESSAGE = "osfit's node index has not synced with the API server yet; names-only requests "
            + "(nodeCacheCapable) can be answered once it has (see /actuator/health/readiness)";

    IndexNotReadyException() {
        super(MESSAGE, null, false, false);
    }
}
