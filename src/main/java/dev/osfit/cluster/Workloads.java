package dev.osfit.cluster;

import dev.osfit.kube.NodeReader;
import dev.osfit.kube.PodReader;
import dev.osfit.match.PodFacts;
import dev.osfit.node.NodePlatform;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import okhttp3.Call;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Workloads and nodes read from the API server in pages, for operators' questions (the upgrade
 * plan): Deployments, StatefulSets, DaemonSets, CronJobs, and the ReplicaSets, Jobs and Pods nobody
 * owns, each as its pod template in pod form. Blocks: call it off the event loops. At most
 * {@code max} objects are read in all (listing stops there and says so).
 */
public final class Workloads {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final int PAGE = 500;

    /**
     * A workload as listed: its kind, namespace, name, and its pod template read as a pod. Only these facts
     * are kept: a page's JSON goes as soon as it is read, so a listing holds no more than one page of it.
     */
    public record Listed(String kind, String namespace, String name, PodFacts template) {
    }

    /** What a listing read, and whether it stopped at the limit. */
    public record Listing(List<Listed> workloads, boolean truncated) {
    }

    @FunctionalInterface
    private interface Page {
        Call call(String continueToken) throws ApiException;
    }

    private Workloads() {
    }

    /** Every workload, in one namespace or (null) all. */
    public static Listing list(ApiClient client, String namespace, int max) throws IOException, ApiException {
        AppsV1Api apps = new AppsV1Api(client);
        BatchV1Api batch = new BatchV1Api(client);
        CoreV1Api core = new CoreV1Api(client);
        List<Listed> out = new ArrayList<>();
        int[] read = {0};
        boolean all = namespace == null;
        boolean complete = read(out, read, max, "Deployment", "/spec/template", false, c -> all
                ? apps.listDeploymentForAllNamespaces().limit(PAGE)._continue(c).buildCall(null)
                : apps.listNamespacedDeployment(namespace).limit(PAGE)._continue(c).buildCall(null))
                && read(out, read, max, "StatefulSet", "/spec/template", false, c -> all
                ? apps.listStatefulSetForAllNamespaces().limit(PAGE)._continue(c).buildCall(null)
                : apps.listNamespacedStatefulSet(namespace).limit(PAGE)._continue(c).buildCall(null))
                && read(out, read, max, "DaemonSet", "/spec/template", false, c -> all
                ? apps.listDaemonSetForAllNamespaces().limit(PAGE)._continue(c).buildCall(null)
                : apps.listNamespacedDaemonSet(namespace).limit(PAGE)._continue(c).buildCall(null))
                && read(out, read, max, "ReplicaSet", "/spec/template", true, c -> all
                ? apps.listReplicaSetForAllNamespaces().limit(PAGE)._continue(c).buildCall(null)
                : apps.listNamespacedReplicaSet(namespace).limit(PAGE)._continue(c).buildCall(null))
                && read(out, read, max, "CronJob", "/spec/jobTemplate/spec/template", false, c -> all
                ? batch.listCronJobForAllNamespaces().limit(PAGE)._continue(c).buildCall(null)
                : batch.listNamespacedCronJob(namespace).limit(PAGE)._continue(c).buildCall(null))
                && read(out, read, max, "Job", "/spec/template", true, c -> all
                ? batch.listJobForAllNamespaces().limit(PAGE)._continue(c).buildCall(null)
                : batch.listNamespacedJob(namespace).limit(PAGE)._continue(c).buildCall(null))
                && read(out, read, max, "Pod", "", true, c -> all
                ? core.listPodForAllNamespaces().limit(PAGE)._continue(c).buildCall(null)
                : core.listNamespacedPod(namespace).limit(PAGE)._continue(c).buildCall(null));
        return new Listing(List.copyOf(out), !complete);
    }

    /** Reads one kind page by page; false when the limit stopped it. */
    private static boolean read(List<Listed> out, int[] read, int max, String kind, String templatePath, boolean unownedOnly, Page page)
            throws IOException, ApiException {
        String token = null;
        do {
            JsonNode list;
            try (okhttp3.Response response = page.call(token).execute()) {
                if (!response.isSuccessful() || response.body() == null) {
                    throw new IOException("listing " + kind + "s: the API server answered " + response.code());
                }
                list = JSON.readTree(response.body().bytes());
            }
            for (JsonNode item : list.path("items")) {
                if (++read[0] > max) {
                    return false;
                }
                JsonNode meta = item.path("metadata");
                if (unownedOnly && meta.path("ownerReferences").size() > 0) {
                    continue;
                }
                JsonNode template = templatePath.isEmpty() ? item : item.at(templatePath);
                if (template.isMissingNode()) {
                    continue;
                }
                ObjectNode pod = JSON.createObjectNode();
                ObjectNode podMeta = pod.putObject("metadata");
                podMeta.put("namespace", meta.path("namespace").asString(""));
                podMeta.put("name", meta.path("name").asString(""));
                if (template.path("metadata").has("annotations")) {
                    podMeta.set("annotations", template.path("metadata").get("annotations"));
                }
                pod.set("spec", template.path("spec"));
                PodFacts facts;
                try {
                    facts = PodReader.fromTree(pod);
                } catch (RuntimeException unreadable) {
                    continue; // the API server validated it; osfit cannot read it as a pod: not planned
                }
                out.add(new Listed(kind, meta.path("namespace").asString(""), meta.path("name").asString(""), facts));
            }
            token = list.path("metadata").path("continue").asString("");
        } while (!token.isEmpty());
        return true;
    }

    /** The distinct platforms of the nodes the label selector matches. */
    public static Set<NodePlatform> nodePlatforms(ApiClient client, String labelSelector, int max) throws ApiException {
        CoreV1Api core = new CoreV1Api(client);
        Set<NodePlatform> out = new LinkedHashSet<>();
        String token = null;
        int read = 0;
        do {
            V1NodeList list = core.listNode().labelSelector(labelSelector).limit(PAGE)._continue(token).execute();
            for (V1Node node : list.getItems()) {
                if (++read > max) {
                    return out;
                }
                NodePlatform p = NodeReader.facts(node).platform();
                if (p != null) {
                    out.add(p);
                }
            }
            token = list.getMetadata() == null || list.getMetadata().getContinue() == null ? "" : list.getMetadata().getContinue();
        } while (!token.isEmpty());
        return out;
    }
}
