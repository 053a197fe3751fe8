package dev.osfit.match;

/**
 * How a Windows pod's containers are isolated from the host, which decides which image builds a host
 * runs ({@link dev.osfit.platform.WindowsCompat}): process isolation unless the pod's RuntimeClass
 * names a Hyper-V runtime handler. Linux pods are unaffected.
 */
public enum Isolation {
    /** Kubernetes' default for Windows: containerd's process-isolation rule. */
    PROCESS,
    /** A utility VM per pod: the host's build or any older one runs. */
    HYPER_V;

    /** Which isolation a pod's RuntimeClass gives; everything is process isolation without RuntimeClasses. */
    @FunctionalInterface
    public interface ByRuntimeClass {

        ByRuntimeClass PROCESS_ONLY = runtimeClassName -> PROCESS;

        /** The isolation of pods with this {@code spec.runtimeClassName} (never null). */
        Isolation of(String runtimeClassName);
    }
}
