package dev.osfit.match;

/**
 * The texts osfit puts in FailedNodes and FailedAndUnresolvableNodes. kube-scheduler counts
 * identical texts and shows them in the pod's FailedScheduling event ("3 node(s) run ..."), so they
 * name the node side first, stay short and carry no per-node detail beyond the platform.
 */
public final class Reasons {

    /** Node os or os/arch, image, what the image needs. */
    public static final String PLATFORM_MISMATCH = "node(s) run %s; image %s needs %s";
    /** Node build, image, the builds the image is published for (process isolation, Kubernetes' default). */
    public static final String BUILD_MISMATCH = "node(s) run Windows build %s; image %s needs %s";
    /** The same under Hyper-V isolation (the pod's RuntimeClass), where older builds run too. */
    public static final String BUILD_MISMATCH_HYPERV = "node(s) run Windows build %s; image %s needs %s or newer under Hyper-V isolation";
    /** The features of the pod that Windows cannot give. */
    public static final String WINDOWS_UNSUPPORTED = "node(s) run Windows; pod needs %s";
    /** Node os. */
    public static final String HOST_PROCESS_NEEDS_WINDOWS = "node(s) run %s; HostProcess pod needs windows";
    /** Each image with its platforms; no node can run them all. */
    public static final String CONFLICT = "pod's images need conflicting platforms {%s}";
    /** The images nothing is known about. */
    public static final String UNKNOWN_DENIED = "image platform unknown and osfit.unknown-image-policy is deny {%s}";
    /** A names-only request named a node that osfit's node index does not hold (yet). */
    public static final String NODE_NOT_INDEXED = "node(s) not yet known to osfit";
    /** What is wrong with the annotation. */
    public static final String INVALID_ANNOTATION = "pod annotation osfit.dev/image-platforms is invalid {%s}";

    private Reasons() {
    }
}
