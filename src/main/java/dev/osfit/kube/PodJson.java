package dev.osfit.kube;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.osfit.image.PlatformAnnotation;
import dev.osfit.match.PodFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The narrow binding of a v1.Pod: only the fields osfit reads. Everything else (managedFields,
 * status, env, probes...) is skipped by the parser without being materialised.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record PodJson(Meta metadata, Spec spec) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Meta(String name, String namespace, String uid, Map<String, String> annotations) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Spec(List<Container> containers, List<Container> initContainers, Os os, Map<String, String> nodeSelector,
                Affinity affinity, PodSecurityContext securityContext, Boolean hostPID, Boolean hostIPC, List<Volume> volumes,
                String runtimeClassName, String schedulerName, String serviceAccountName, List<LocalObjectReference> imagePullSecrets) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record LocalObjectReference(String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Container(String name, String image, SecurityContext securityContext, Resources resources,
                     List<VolumeMount> volumeMounts) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SecurityContext(Boolean privileged, WindowsOptions windowsOptions) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PodSecurityContext(WindowsOptions windowsOptions) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record WindowsOptions(Boolean hostProcess) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Resources(Map<String, Object> limits, Map<String, Object> requests) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record VolumeMount(String mountPropagation) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Volume(EmptyDir emptyDir) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record EmptyDir(String medium) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Os(String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Affinity(NodeAffinity nodeAffinity) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record NodeAffinity(NodeSelector requiredDuringSchedulingIgnoredDuringExecution) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record NodeSelector(List<Term> nodeSelectorTerms) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Term(List<Requirement> matchExpressions) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Requirement(String key, String operator, List<String> values) {
    }

    PodFacts toFacts() {
        Meta meta = metadata != null ? metadata : new Meta(null, null, null, null);
        Spec s = spec != null ? spec : new Spec(null, null, null, null, null, null, null, null, null, null, null, null, null);
        boolean podHostProcess = s.securityContext() != null && s.securityContext().windowsOptions() != null
                && Boolean.TRUE.equals(s.securityContext().windowsOptions().hostProcess());
        List<PodFacts.Container> containers = new ArrayList<>();
        addContainers(containers, s.initContainers(), true);
        addContainers(containers, s.containers(), false);
        boolean memoryEmptyDir = false;
        if (s.volumes() != null) {
            for (Volume v : s.volumes()) {
                memoryEmptyDir |= v != null && v.emptyDir() != null && "Memory".equals(v.emptyDir().medium());
            }
        }
        List<List<PodFacts.Requirement>> terms = new ArrayList<>();
        if (s.affinity() != null && s.affinity().nodeAffinity() != null
                && s.affinity().nodeAffinity().requiredDuringSchedulingIgnoredDuringExecution() != null
                && s.affinity().nodeAffinity().requiredDuringSchedulingIgnoredDuringExecution().nodeSelectorTerms() != null) {
            for (Term t : s.affinity().nodeAffinity().requiredDuringSchedulingIgnoredDuringExecution().nodeSelectorTerms()) {
                List<PodFacts.Requirement> reqs = new ArrayList<>();
                if (t != null && t.matchExpressions() != null) {
                    for (Requirement r : t.matchExpressions()) {
                        if (r != null && r.key() != null) {
                            reqs.add(new PodFacts.Requirement(r.key(), r.operator(), r.values()));
                        }
                    }
                }
                terms.add(reqs);
            }
        }
        String annotation = meta.annotations() == null ? null : meta.annotations().get(PlatformAnnotation.NAME);
        return new PodFacts(meta.namespace(), meta.name(), containers, s.os() == null ? null : s.os().name(),
                s.nodeSelector(), terms, Boolean.TRUE.equals(s.hostPID()), Boolean.TRUE.equals(s.hostIPC()),
                memoryEmptyDir, podHostProcess, annotation, s.runtimeClassName(), meta.uid(), s.schedulerName(), s.serviceAccountName(),
                pullSecrets(s.imagePullSecrets()));
    }

    /** The names of the pod's pull secrets; the list is the pod author's, so it is cut at PullContext.MAX_SECRETS. */
    private static List<String> pullSecrets(List<LocalObjectReference> refs) {
        if (refs == null || refs.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (LocalObjectReference r : refs) {
            if (r != null && r.name() != null && names.size() < dev.osfit.image.PullContext.MAX_SECRETS) {
                names.add(r.name());
            }
        }
        return names;
    }

    private static void addContainers(List<PodFacts.Container> out, List<Container> containers, boolean init) {
        if (containers == null) {
            return;
        }
        for (Container c : containers) {
            if (c == null) {
                continue;
            }
            SecurityContext sc = c.securityContext();
            boolean privileged = sc != null && Boolean.TRUE.equals(sc.privileged());
            boolean hostProcess = sc != null && sc.windowsOptions() != null && Boolean.TRUE.equals(sc.windowsOptions().hostProcess());
            boolean hugepages = c.resources() != null && (hasHugepages(c.resources().limits()) || hasHugepages(c.resources().requests()));
            boolean propagation = false;
            if (c.volumeMounts() != null) {
                for (VolumeMount m : c.volumeMounts()) {
                    propagation |= m != null && m.mountPropagation() != null && !"None".equals(m.mountPropagation());
                }
            }
            out.add(new PodFacts.Container(c.name(), c.image(), init, privileged, hostProcess, hugepages, propagation));
        }
    }

    private static boolean hasHugepages(Map<String, Object> resources) {
        if (resources == null) {
            return false;
        }
        for (String name : resources.keySet()) {
            if (name.startsWith("hugepages-")) {
                return true;
            }
        }
        return false;
    }
}
