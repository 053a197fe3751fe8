package dev.osfit.extender;

/** Package-private web constants for tests in other packages. */
public final class TestAccess {

    private TestAccess() {
    }

    public static String indexNotReadyMessage() {
        return IndexNotReadyException.MESSAGE;
    }
}
