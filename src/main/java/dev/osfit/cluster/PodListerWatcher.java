package dev.osfit.cluster;

import com.google.gson.reflect.TypeToken;
import dev.osfit.image.PullContext;
import dev.osfit.kube.JsonFields;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1LocalObjectReference;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.util.CallGenerator;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * List and watch for the unscheduled-pods informer. The list is client-java's (once at start and on
 * a relist). Watch events, several per pod created, are read by {@link #readEvent} with a streaming
 * parser straight into the cut-down pod that {@link UnscheduledPods#strip} keeps, instead of
 * client-java's Gson models of the whole pod, status and all, which the transform then throws away
 * (profiled: the unscheduled-pods watch thread was 0.3 to 0.7 ms of osfit's CPU per scheduled pod).
 * A pod with scheduling gates (the gate controller patches it, so it stays whole), a Status (an ERROR
 * event), and a line this reader does not take go to client-java's own decoding, whole.
 */
final class PodListerWatcher implements ListerWatcher<V1Pod, V1PodList> {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Type EVENT = TypeToken.getParameterized(Watch.Response.class, V1Pod.class).getType();

    private final ApiClient client;
    private final CallGenerator calls;

    PodListerWatcher(ApiClient client, CallGenerator calls) {
        this.client = client;
        this.calls = calls;
    }

    @Override
    public V1PodList list(CallGeneratorParams params) throws ApiException {
        return client.<V1PodList>execute(calls.generate(params), V1PodList.class).getData();
    }

    @Override
    public Watchable<V1Pod> watch(CallGeneratorParams params) throws ApiException {
        Call call = client.getHttpClient().newCall(calls.generate(params).request());
        Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            throw new ApiException(e);
        }
        if (!response.isSuccessful()) {
            String body = null;
            try (ResponseBody b = response.body()) {
                body = b == null ? null : b.string();
            } catch (IOException e) {
                throw new ApiException(response.message(), e, response.code(), response.headers().toMultimap());
            }
            throw new ApiException(response.message(), response.code(), response.headers().toMultimap(), body);
        }
        return new StrippingWatch(client, response.body(), call);
    }

    /** client-java's watch with its line decoding replaced where {@link #readEvent} can. */
    private static final class StrippingWatch extends Watch<V1Pod> {

        StrippingWatch(ApiClient client, ResponseBody body, Call call) {
            super(client.getJSON(), body, EVENT, call);
        }

        @Override
        protected Response<V1Pod> parseLine(String line) throws IOException {
            Response<V1Pod> event = readEvent(line);
            return event != null ? event : super.parseLine(line);
        }
    }

    /**
     * One watch event line as a cut-down pod: metadata name, namespace, uid and resourceVersion (the
     * reflector resumes from it), the spec as {@link PodSpecs#forLookup} cuts it. Null when the line
     * must be decoded whole: a pod with scheduling gates, an object that is not a v1 Pod (a Status),
     * or JSON this reader does not take.
     */
    static Watch.Response<V1Pod> readEvent(String line) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String[] type = new String[1];
            V1Pod[] pod = new V1Pod[1];
            JsonFields.forEachField(p, (key, t) -> {
                if (key.equals("type") && t == JsonToken.VALUE_STRING) {
                    type[0] = p.getString();
                    return true;
                }
                if (key.equals("object") && t == JsonToken.START_OBJECT) {
                    PodFields read = new PodFields();
                    read.object(p);
                    pod[0] = read.pod();
                    return true;
                }
                return false;
            });
            if (type[0] == null || pod[0] == null || p.nextToken() != null) {
                return null;
            }
            return new Watch.Response<>(type[0], pod[0]);
        } catch (Whole | JacksonException e) {
            return null; // decoded whole; client-java's decoding says what is wrong, if anything is
        }
    }

    /** Thrown (one instance, no stack) as soon as a line turns out to need decoding whole. */
    private static final class Whole extends RuntimeException {

        static final Whole INSTANCE = new Whole();

        private Whole() {
            super(null, null, false, false);
        }
    }

    /** The string fields kept of an object's metadata, and of a container. */
    private static final Map<String, BiConsumer<V1ObjectMeta, String>> METADATA = Map.of("name", V1ObjectMeta::setName,
            "namespace", V1ObjectMeta::setNamespace, "uid", V1ObjectMeta::setUid, "resourceVersion", V1ObjectMeta::setResourceVersion);
    private static final Map<String, BiConsumer<V1Container, String>> CONTAINER = Map.of("name", V1Container::setName,
            "image", V1Container::setImage);

    /** The object the parser has just entered: each field {@code setters} names is set, the rest skipped. */
    private static <T> void strings(JsonParser p, T into, Map<String, BiConsumer<T, String>> setters) {
        JsonFields.forEachField(p, (key, t) -> {
            BiConsumer<T, String> set = setters.get(key);
            if (set == null) {
                return false;
            }
            set.accept(into, PodFields.text(p, t));
            return true;
        });
    }

    /** The fields of one pod object that a cut-down pod keeps. */
    private static final class PodFields {

        private String kind;
        private String apiVersion;
        private final V1ObjectMeta metadata = new V1ObjectMeta();
        private boolean sawMetadata;
        private final List<V1Container> initContainers = new ArrayList<>();
        private final List<V1Container> containers = new ArrayList<>();
        private String serviceAccountName;
        private List<V1LocalObjectReference> pullSecrets;

        void object(JsonParser p) {
            JsonFields.forEachField(p, (key, t) -> switch (key) {
                case "kind" -> {
                    kind = text(p, t);
                    yield true;
                }
                case "apiVersion" -> {
                    apiVersion = text(p, t);
                    yield true;
                }
                case "metadata" -> {
                    if (t == JsonToken.START_OBJECT) {
                        sawMetadata = true;
                        metadata(p);
                        yield true;
                    }
                    yield false;
                }
                case "spec" -> {
                    if (t == JsonToken.START_OBJECT) {
                        spec(p);
                        yield true;
                    }
                    yield false;
                }
                default -> false;
            });
        }

        private void metadata(JsonParser p) {
            strings(p, metadata, METADATA);
        }

        private void spec(JsonParser p) {
            JsonFields.forEachField(p, (key, t) -> switch (key) {
                case "containers" -> containers(p, t, containers);
                case "initContainers" -> containers(p, t, initContainers);
                case "serviceAccountName" -> {
                    serviceAccountName = text(p, t);
                    yield true;
                }
                case "imagePullSecrets" -> pullSecrets(p, t);
                case "schedulingGates" -> {
                    // Any gate at all, or a value that is not an empty list: the pod is kept whole.
                    if (t != JsonToken.VALUE_NULL && (t != JsonToken.START_ARRAY || p.nextToken() != JsonToken.END_ARRAY)) {
                        throw Whole.INSTANCE;
                    }
                    yield true;
                }
                default -> false;
            });
        }

        private static boolean containers(JsonParser p, JsonToken t, List<V1Container> into) {
            if (t == JsonToken.VALUE_NULL) {
                return true;
            }
            if (t != JsonToken.START_ARRAY) {
                throw Whole.INSTANCE;
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    throw Whole.INSTANCE;
                }
                V1Container c = new V1Container();
                strings(p, c, CONTAINER);
                into.add(c);
            }
            return true;
        }

        private boolean pullSecrets(JsonParser p, JsonToken t) {
            if (t == JsonToken.VALUE_NULL) {
                return true;
            }
            if (t != JsonToken.START_ARRAY) {
                throw Whole.INSTANCE;
            }
            JsonToken item;
            while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
                if (item == JsonToken.VALUE_NULL) {
                    continue; // Gson reads a null reference; forLookup drops it
                }
                if (item != JsonToken.START_OBJECT) {
                    throw Whole.INSTANCE;
                }
                String[] name = new String[1];
                JsonFields.forEachField(p, (key, v) -> {
                    if (key.equals("name")) {
                        name[0] = text(p, v);
                        return true;
                    }
                    return false;
                });
                if (name[0] != null && (pullSecrets == null || pullSecrets.size() < PullContext.MAX_SECRETS)) {
                    if (pullSecrets == null) {
                        pullSecrets = new ArrayList<>();
                    }
                    pullSecrets.add(new V1LocalObjectReference().name(name[0]));
                }
            }
            return true;
        }

        /** A string, or null for JSON null; anything else means the line is decoded whole. */
        private static String text(JsonParser p, JsonToken t) {
            if (t == JsonToken.VALUE_STRING) {
                return p.getString();
            }
            if (t != JsonToken.VALUE_NULL) {
                throw Whole.INSTANCE;
            }
            return null;
        }

        /** The cut-down pod, or null when the object is not a v1 Pod with metadata. */
        V1Pod pod() {
            if (!"Pod".equals(kind) || !"v1".equals(apiVersion) || !sawMetadata) {
                return null;
            }
            List<V1Container> all = new ArrayList<>(initContainers.size() + containers.size());
            all.addAll(initContainers);
            all.addAll(containers);
            V1PodSpec spec = new V1PodSpec().containers(all).serviceAccountName(serviceAccountName).imagePullSecrets(pullSecrets);
            return new V1Pod().metadata(metadata).spec(spec);
        }
    }
}
