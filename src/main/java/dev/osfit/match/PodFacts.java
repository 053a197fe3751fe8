package dev.osfit.match;

import java.util.List;
import java.util.Map;

/**
 * The parts of a pod that decide where its images can run, as decoded from the request. Nothing
 * else of the pod is kept.
 *
 * @param requiredTerms required node affinity terms (ORed), each a list of requirements (ANDed);
 *                      empty when the pod has none
 * @param platformAnnotation the value of {@code osfit.dev/image-platforms}, or null
 * @param runtimeClassName   {@code spec.runtimeClassName}, or null
 * @param uid                {@code metadata.uid}, or null (not used to match: the placement audit tells
 *                           which pods kube-scheduler asked osfit about)
 * @param schedulerName      {@code spec.schedulerName}, or null (the same: which schedulers consult osfit)
 */
public record PodFacts(
        String namespace,
        String name,
        List<Container> containers,
        String osName,
        Map<String, String> nodeSelector,
        List<List<Requirement>> requiredTerms,
        boolean hostPID,
        boolean hostIPC,
        boolean memoryEmptyDir,
        boolean podHostProcess,
        String platformAnnotation,
        String runtimeClassName,
        String uid,
        String schedulerName,
        String serviceAccountName,
        List<String> imagePullSecrets) {

    /** A pod as the matcher sees it, without the identity the placement audit uses. */
    public PodFacts(String namespace, String name, List<Container> containers, String osName, Map<String, String> nodeSelector,
                    List<List<Requirement>> requiredTerms, boolean hostPID, boolean hostIPC, boolean memoryEmptyDir,
                    boolean podHostProcess, String platformAnnotation, String runtimeClassName) {
        this(namespace, name, containers, osName, nodeSelector, requiredTerms, hostPID, hostIPC, memoryEmptyDir, podHostProcess,
                platformAnnotation, runtimeClassName, null, null, null, null);
    }

    /** A pod without a RuntimeClass. */
    public PodFacts(String namespace, String name, List<Container> containers, String osName, Map<String, String> nodeSelector,
                    List<List<Requirement>> requiredTerms, boolean hostPID, boolean hostIPC, boolean memoryEmptyDir,
                    boolean podHostProcess, String platformAnnotation) {
        this(namespace, name, containers, osName, nodeSelector, requiredTerms, hostPID, hostIPC, memoryEmptyDir, podHostProcess,
                platformAnnotation, null);
    }

    public PodFacts {
        containers = List.copyOf(containers);
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        requiredTerms = requiredTerms == null ? List.of() : List.copyOf(requiredTerms);
        imagePullSecrets = imagePullSecrets == null ? List.of() : imagePullSecrets;
    }

    /** Whose pull credentials a registry lookup for this pod may use. */
    public dev.osfit.image.PullContext pullContext() {
        return new dev.osfit.image.PullContext(namespace, serviceAccountName, imagePullSecrets);
    }

    /** One container or init container. */
    public record Container(String name, String image, boolean init, boolean privileged, boolean hostProcess,
                            boolean hugepages, boolean mountPropagation) {

        public static Container of(String name, String image) {
            return new Container(name, image, false, false, false, false, false);
        }
    }

    /** A node selector requirement: key, operator (In, NotIn, Exists, ...), values. */
    public record Requirement(String key, String operator, List<String> values) {

        public Requirement {
            values = values == null ? List.of() : List.copyOf(values);
        }
    }

    /** "namespace/name" for logs. */
    public String ref() {
        return namespace + "/" + name;
    }
}
