package dev.osfit.bench;

import com.google.gson.annotations.SerializedName;
import dev.osfit.image.ImageRef;
import dev.osfit.image.PlatformAnnotation;
import dev.osfit.image.WindowsTagTable;
import dev.osfit.platform.OsVersion;
import dev.osfit.platform.Platform;
import dev.osfit.platform.WindowsCompat;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The straightforward extender every report is compared with: decode the request into client-java's
 * V1Pod / V1NodeList (or look full V1Node models up by name, as an informer's lister would), then
 * for each node read its labels and parse its build, and check the pod's image platforms.
 * Same rule, same answers as osfit; none of its tricks.
 */
public final class Baseline {

    /** ExtenderArgs bound to client-java models. */
    public static final class Args {
        @SerializedName("Pod")
        public V1Pod pod;
        @SerializedName("Nodes")
        public V1NodeList nodes;
        @SerializedName("NodeNames")
        public List<String> nodeNames;
    }

    /** ExtenderFilterResult with client-java models. */
    public static final class FilterResult {
        @SerializedName("Nodes")
        public V1NodeList nodes;
        @SerializedName("NodeNames")
        public List<String> nodeNames;
        @SerializedName("FailedNodes")
        public Map<String, String> failedNodes;
        @SerializedName("FailedAndUnresolvableNodes")
        public Map<String, String> failedAndUnresolvableNodes;
        @SerializedName("Error")
        public String error = "";
    }

    private Baseline() {
    }

    public static Args decode(byte[] body) {
        return JSON.getGson().fromJson(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8), Args.class);
    }

    public static String encode(Object result) {
        return JSON.getGson().toJson(result);
    }

    /** Each image's platforms, from the pod's annotation or the Windows tag table. */
    public static List<List<Platform>> imageNeeds(V1Pod pod) {
        String annotation = pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(PlatformAnnotation.NAME);
        PlatformAnnotation stated = annotation == null ? null : ((PlatformAnnotation.Valid) PlatformAnnotation.parse(annotation)).annotation();
        List<List<Platform>> needs = new ArrayList<>();
        for (V1Container c : pod.getSpec().getContainers()) {
            ImageRef ref = ((ImageRef.Valid) ImageRef.parse(c.getImage())).ref();
            if (stated != null && stated.lookup(ref).isPresent()) {
                needs.add(stated.lookup(ref).get().platforms());
            } else {
                new WindowsTagTable().lookup(ref).ifPresent(p -> needs.add(List.of(p)));
            }
        }
        return needs;
    }

    /** Whether the node runs every image: labels read and parsed per node. */
    public static boolean fits(V1Node node, List<List<Platform>> needs) {
        Map<String, String> labels = node.getMetadata().getLabels();
        String os = labels.get("kubernetes.io/os");
        String arch = labels.get("kubernetes.io/arch");
        OsVersion build = OsVersion.parse(labels.get("node.kubernetes.io/windows-build"));
        for (List<Platform> image : needs) {
            boolean any = false;
            for (Platform p : image) {
                if (p.os().equals(os) && (p.architecture() == null || p.architecture().equals(arch))
                        && (!"windows".equals(os) || p.osVersion() == null || build == null || WindowsCompat.canRun(build, p.osVersion()))) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }
}
