package dev.osfit.cluster;

import com.google.gson.reflect.TypeToken;
import dev.osfit.kube.BadRequestException;
import dev.osfit.kube.JsonFields;
import dev.osfit.kube.NodeReader;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * List and watch for the node informer. The list is read with a streaming parser straight into
 * stripped nodes: a full node list is about 12 KB a node, and client-java's reflector keeps the list
 * object it fetched alive for as long as the watch that follows it runs, so decoding it into full
 * V1Node models would cost that much heap for good (measured: 23 KB a node). Watches are
 * client-java's, one event at a time, and pass through the informer's transform.
 */
final class NodeListerWatcher implements ListerWatcher<V1Node, V1NodeList> {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final ApiClient client;
    private final CoreV1Api api;
    private final Duration watchTimeout;
    /** Runs before each list: the pause after failures in a row ({@link ListWatchFailures#pauseBeforeList}). */
    private final Runnable beforeList;

    NodeListerWatcher(ApiClient client, Duration watchTimeout, Runnable beforeList) {
        this.beforeList = beforeList;
        this.client = client;
        this.watchTimeout = watchTimeout;
        this.api = new CoreV1Api(client);
    }

    @Override
    public V1NodeList list(CallGeneratorParams params) throws ApiException {
        beforeList.run();
        Call call = api.listNode()
                .resourceVersion(params.resourceVersion)
                .timeoutSeconds(params.timeoutSeconds)
                .watch(false)
                .buildCall(null);
        try (Response response = call.execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful()) {
                throw new ApiException(response.message(), response.code(), response.headers().toMultimap(),
                        body == null ? null : body.string());
            }
            if (body == null) {
                throw new ApiException("empty node list response");
            }
            return read(body.byteStream());
        } catch (IOException e) {
            throw new ApiException(e);
        }
    }

    @Override
    public Watchable<V1Node> watch(CallGeneratorParams params) throws ApiException {
        Call call = api.listNode()
                .resourceVersion(params.resourceVersion)
                .timeoutSeconds(ApiTimeouts.watchSeconds(watchTimeout))
                .watch(true)
                .allowWatchBookmarks(true)
                .buildCall(null);
        return Watch.createWatch(client, call, TypeToken.getParameterized(Watch.Response.class, V1Node.class).getType());
    }

    /** A NodeList of stripped nodes, with the list's resourceVersion. */
    static V1NodeList read(InputStream in) throws ApiException {
        List<V1Node> items = new ArrayList<>();
        String[] resourceVersion = new String[1];
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ApiException("node list is not a JSON object");
            }
            NodeReader reader = new NodeReader();
            JsonFields.forEachField(p, (key, t) -> {
                if (key.equals("metadata") && t == JsonToken.START_OBJECT) {
                    JsonFields.forEachField(p, (field, v) -> {
                        if (field.equals("resourceVersion") && v == JsonToken.VALUE_STRING) {
                            resourceVersion[0] = p.getString();
                            return true;
                        }
                        return false;
                    });
                    return true;
                }
                if (key.equals("items") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        reader.read(p, "items", items.size());
                        if (reader.name() == null) {
                            throw new BadRequestException(reader.where() + ".metadata.name is missing in the node list");
                        }
                        items.add(NodeStripper.stripped(reader.name(), reader.facts()));
                    }
                    return true;
                }
                return false;
            });
        } catch (JacksonException | BadRequestException e) {
            throw new ApiException("malformed node list: " + e.getMessage());
        }
        return new V1NodeList().apiVersion("v1").kind("NodeList").metadata(new V1ListMeta().resourceVersion(resourceVersion[0])).items(items);
    }
}
