package dev.osfit.kube;

import static dev.osfit.kube.JsonFields.forEachField;

import dev.osfit.image.PlatformAnnotation;
import dev.osfit.image.PullContext;
import dev.osfit.match.PodFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;

/**
 * The narrow reading of a v1.Pod: only the fields osfit reads, taken from a streaming parser (over bytes
 * or over a tree); everything else (managedFields, status, env, probes...) is skipped without being built.
 * A field of the wrong type is bad input named by its path in the pod ("Pod.spec.containers[0].image");
 * null is the field's absence, as Go's decoding treats it (a null string in a map or a list is ""). One
 * instance per pod read: not thread-safe.
 *
 * <p>Why not data binding: binding the same fields to records through Jackson's databind cost a webhook
 * review about a tenth of its event-loop time, and its shared deserializers are where the JIT kept
 * recompiling (type checks that failed as pods, trees and requests passed through them). This reader is
 * one monomorphic loop per object.
 */
final class PodJson {

    private final JsonParser p;
    private final String where;
    /** The pod object's own context: a path for an error message is read from the parser up to it. */
    private final TokenStreamContext pod;

    private String name;
    private String namespace;
    private String uid;
    private String platformAnnotation;
    private String osName;
    private String runtimeClassName;
    private String schedulerName;
    private String serviceAccountName;
    private Map<String, String> nodeSelector;
    private List<List<PodFacts.Requirement>> terms;
    private List<PodFacts.Container> containers = List.of();
    private List<PodFacts.Container> initContainers = List.of();
    private List<String> pullSecrets = List.of();
    private boolean hostPID;
    private boolean hostIPC;
    private boolean memoryEmptyDir;
    private boolean podHostProcess;

    // windowsOptions being read (the pod's or a container's).
    private boolean hostProcess;

    // The container being read.
    private String cName;
    private String cImage;
    private boolean cPrivileged;
    private boolean cHostProcess;
    private boolean cHugepages;
    private boolean cPropagation;

    // The term and requirement being read.
    private List<PodFacts.Requirement> term;
    private String rKey;
    private String rOperator;
    private List<String> rValues;

    // The field readers, made once per pod rather than once per object.
    private final JsonFields.FieldReader podField = this::podField;
    private final JsonFields.FieldReader metadataField = this::metadataField;
    private final JsonFields.FieldReader annotation = this::annotation;
    private final JsonFields.FieldReader specField = this::specField;
    private final JsonFields.FieldReader selector = this::selector;
    private final JsonFields.FieldReader containerField = this::containerField;
    private final JsonFields.FieldReader securityContextField = this::securityContextField;
    private final JsonFields.FieldReader windowsOptions = this::windowsOptions;
    private final JsonFields.FieldReader podSecurityContextField = this::podSecurityContextField;
    private final JsonFields.FieldReader resourcesField = this::resourcesField;
    private final JsonFields.FieldReader hugepages = this::hugepages;
    private final JsonFields.FieldReader mountField = this::mountField;
    private final JsonFields.FieldReader volumeField = this::volumeField;
    private final JsonFields.FieldReader emptyDirField = this::emptyDirField;
    private final JsonFields.FieldReader osField = this::osField;
    private final JsonFields.FieldReader affinityField = this::affinityField;
    private final JsonFields.FieldReader nodeAffinityField = this::nodeAffinityField;
    private final JsonFields.FieldReader requiredField = this::requiredField;
    private final JsonFields.FieldReader termField = this::termField;
    private final JsonFields.FieldReader requirementField = this::requirementField;
    private final JsonFields.FieldReader secretField = this::secretField;

    private PodJson(JsonParser p, String where) {
        this.p = p;
        this.where = where;
        this.pod = p.streamReadContext();
    }

    /**
     * The facts of the pod whose START_OBJECT the parser has just returned, read up to and including its
     * END_OBJECT. {@code where} names the pod in messages ("Pod", "pod").
     */
    static PodFacts read(JsonParser p, String where) {
        PodJson reader = new PodJson(p, where);
        forEachField(p, reader.podField);
        return reader.facts();
    }

    private PodFacts facts() {
        List<PodFacts.Container> all;
        if (initContainers.isEmpty()) {
            all = containers;
        } else {
            all = new ArrayList<>(initContainers.size() + containers.size());
            all.addAll(initContainers);
            all.addAll(containers);
        }
        return new PodFacts(namespace, name, all, osName, nodeSelector, terms, hostPID, hostIPC, memoryEmptyDir, podHostProcess,
                platformAnnotation, runtimeClassName, uid, schedulerName, serviceAccountName, pullSecrets);
    }

    private boolean podField(String key, JsonToken t) {
        return switch (key) {
            case "metadata" -> object(t) && fields(metadataField);
            case "spec" -> object(t) && fields(specField);
            default -> false;
        };
    }

    private boolean metadataField(String key, JsonToken t) {
        switch (key) {
            case "name" -> name = string(t);
            case "namespace" -> namespace = string(t);
            case "uid" -> uid = string(t);
            case "annotations" -> {
                return object(t) && fields(annotation);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Every annotation's value must be a string (as the API server's types say); only osfit's own is kept. */
    private boolean annotation(String key, JsonToken t) {
        String value = string(t);
        if (key.equals(PlatformAnnotation.NAME)) {
            platformAnnotation = value;
        }
        return true;
    }

    private boolean specField(String key, JsonToken t) {
        switch (key) {
            case "containers" -> containers = containers(t, false);
            case "initContainers" -> initContainers = containers(t, true);
            case "os" -> {
                osName = null;
                return object(t) && fields(osField);
            }
            case "nodeSelector" -> {
                nodeSelector = null;
                if (object(t)) {
                    nodeSelector = new HashMap<>();
                    fields(selector);
                }
            }
            case "affinity" -> {
                terms = null;
                return object(t) && fields(affinityField);
            }
            case "securityContext" -> {
                podHostProcess = false;
                return object(t) && fields(podSecurityContextField);
            }
            case "hostPID" -> hostPID = bool(t);
            case "hostIPC" -> hostIPC = bool(t);
            case "volumes" -> {
                memoryEmptyDir = false;
                return elements(t, volumeField);
            }
            case "runtimeClassName" -> runtimeClassName = string(t);
            case "schedulerName" -> schedulerName = string(t);
            case "serviceAccountName" -> serviceAccountName = string(t);
            case "imagePullSecrets" -> {
                pullSecrets = new ArrayList<>();
                return elements(t, secretField);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean selector(String key, JsonToken t) {
        String value = string(t);
        nodeSelector.put(key, value == null ? "" : value);
        return true;
    }

    private List<PodFacts.Container> containers(JsonToken t, boolean init) {
        if (!array(t)) {
            return List.of();
        }
        List<PodFacts.Container> out = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            if (object(e)) {
                cName = cImage = null;
                cPrivileged = cHostProcess = cHugepages = cPropagation = false;
                fields(containerField);
                out.add(new PodFacts.Container(cName, cImage, init, cPrivileged, cHostProcess, cHugepages, cPropagation));
            }
        }
        return out;
    }

    private boolean containerField(String key, JsonToken t) {
        switch (key) {
            case "name" -> cName = string(t);
            case "image" -> cImage = string(t);
            case "securityContext" -> {
                cPrivileged = cHostProcess = false;
                return object(t) && fields(securityContextField);
            }
            case "resources" -> {
                cHugepages = false;
                return object(t) && fields(resourcesField);
            }
            case "volumeMounts" -> {
                cPropagation = false;
                return elements(t, mountField);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean securityContextField(String key, JsonToken t) {
        switch (key) {
            case "privileged" -> cPrivileged = bool(t);
            case "windowsOptions" -> cHostProcess = hostProcess(t);
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean podSecurityContextField(String key, JsonToken t) {
        if (key.equals("windowsOptions")) {
            podHostProcess = hostProcess(t);
            return true;
        }
        return false;
    }

    /** windowsOptions.hostProcess, the pod's or a container's. */
    private boolean hostProcess(JsonToken t) {
        hostProcess = false;
        if (object(t)) {
            fields(windowsOptions);
        }
        return hostProcess;
    }

    private boolean windowsOptions(String key, JsonToken t) {
        if (key.equals("hostProcess")) {
            hostProcess = bool(t);
            return true;
        }
        return false;
    }

    /** limits and requests: only their resource names matter (a hugepages-* resource). */
    private boolean resourcesField(String key, JsonToken t) {
        return (key.equals("limits") || key.equals("requests")) && object(t) && fields(hugepages);
    }

    private boolean hugepages(String resource, JsonToken t) {
        cHugepages |= resource.startsWith("hugepages-");
        return false;
    }

    private boolean mountField(String key, JsonToken t) {
        if (key.equals("mountPropagation")) {
            String mode = string(t);
            cPropagation |= mode != null && !mode.equals("None");
            return true;
        }
        return false;
    }

    private boolean volumeField(String key, JsonToken t) {
        return key.equals("emptyDir") && object(t) && fields(emptyDirField);
    }

    private boolean emptyDirField(String key, JsonToken t) {
        if (key.equals("medium")) {
            memoryEmptyDir |= "Memory".equals(string(t));
            return true;
        }
        return false;
    }

    private boolean osField(String key, JsonToken t) {
        if (key.equals("name")) {
            osName = string(t);
            return true;
        }
        return false;
    }

    private boolean affinityField(String key, JsonToken t) {
        if (key.equals("nodeAffinity")) {
            terms = null;
            return object(t) && fields(nodeAffinityField);
        }
        return false;
    }

    private boolean nodeAffinityField(String key, JsonToken t) {
        if (key.equals("requiredDuringSchedulingIgnoredDuringExecution")) {
            terms = null;
            return object(t) && fields(requiredField);
        }
        return false;
    }

    private boolean requiredField(String key, JsonToken t) {
        if (!key.equals("nodeSelectorTerms")) {
            return false;
        }
        terms = new ArrayList<>();
        if (array(t)) {
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                // A null term is an empty one (it admits no node), as Go decodes it.
                term = new ArrayList<>();
                if (object(e)) {
                    fields(termField);
                }
                terms.add(term);
            }
        }
        return true;
    }

    private boolean termField(String key, JsonToken t) {
        if (!key.equals("matchExpressions")) {
            return false;
        }
        term.clear();
        if (array(t)) {
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                if (object(e)) {
                    rKey = rOperator = null;
                    rValues = null;
                    fields(requirementField);
                    if (rKey != null) {
                        term.add(new PodFacts.Requirement(rKey, rOperator, rValues));
                    }
                }
            }
        }
        return true;
    }

    private boolean requirementField(String key, JsonToken t) {
        switch (key) {
            case "key" -> rKey = string(t);
            case "operator" -> rOperator = string(t);
            case "values" -> {
                rValues = null;
                if (array(t)) {
                    rValues = new ArrayList<>();
                    JsonToken e;
                    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                        String v = string(e);
                        rValues.add(v == null ? "" : v);
                    }
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean secretField(String key, JsonToken t) {
        if (key.equals("name")) {
            String secret = string(t);
            // The list is the pod author's: cut where PullContext would cut it anyway.
            if (secret != null && pullSecrets.size() < PullContext.MAX_SECRETS) {
                pullSecrets.add(secret);
            }
            return true;
        }
        return false;
    }

    /** Reads the object just started, property by property. */
    private boolean fields(JsonFields.FieldReader reader) {
        forEachField(p, reader);
        return true;
    }

    /** Each object element of the array about to be read, through {@code reader} (null elements are skipped). */
    private boolean elements(JsonToken t, JsonFields.FieldReader reader) {
        if (array(t)) {
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                if (object(e)) {
                    fields(reader);
                }
            }
        }
        return true;
    }

    /** Whether the value is an object (true) or null (false); anything else is bad input. */
    private boolean object(JsonToken t) {
        return opens(t, JsonToken.START_OBJECT, "an object");
    }

    private boolean array(JsonToken t) {
        return opens(t, JsonToken.START_ARRAY, "an array");
    }

    private boolean opens(JsonToken t, JsonToken start, String expected) {
        if (t == start) {
            return true;
        }
        if (t != JsonToken.VALUE_NULL) {
            throw wrong(expected, t);
        }
        return false;
    }

    private String string(JsonToken t) {
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (t != JsonToken.VALUE_NULL) {
            throw wrong("a string", t);
        }
        return null;
    }

    private boolean bool(JsonToken t) {
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t != JsonToken.VALUE_FALSE && t != JsonToken.VALUE_NULL) {
            throw wrong("a boolean", t);
        }
        return false;
    }

    private BadRequestException wrong(String expected, JsonToken found) {
        return new BadRequestException(where + path(found) + ": expected " + expected + ", found " + JsonFields.describe(found));
    }

    /** ".spec.containers[0].image": the value just read, from the parser's contexts up to the pod's own (built only for a message). */
    private String path(JsonToken current) {
        TokenStreamContext c = p.streamReadContext();
        if (current == JsonToken.START_OBJECT || current == JsonToken.START_ARRAY) {
            c = c.getParent(); // the value's own context is open already; its name is in the one around it
        }
        List<String> segments = new ArrayList<>();
        for (; c != null; c = c.getParent()) {
            if (c.inArray()) {
                segments.add("[" + c.getCurrentIndex() + "]");
            } else if (c.inObject()) {
                segments.add("." + c.currentName());
            }
            if (c == pod) {
                break;
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = segments.size() - 1; i >= 0; i--) {
            b.append(segments.get(i));
        }
        return b.toString();
    }
}
