package dev.osfit.kube;

/** A request osfit cannot read; its message says what is wrong and is returned to the caller. */
public class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message, null, false, false);
    }
}
