package dev.osfit.cluster;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Warning events that osfit records on a pod (source component {@code osfit}), for {@code kubectl describe pod}. */
public final class PodEvents {

    private static final Logger log = LoggerFactory.getLogger(PodEvents.class);

    private final CoreV1Api api;

    public PodEvents(ApiClient client) {
        this.api = new CoreV1Api(client);
    }

    /**
     * Records a Warning event, at most once per pod and reason: its name is derived from both, so that the
     * other osfit replica, which sees the same pod and comes to the same finding, gets 409 instead of adding
     * a second one. A failure is logged at DEBUG (an event is worth less than the work that made it).
     */
    public void warning(String namespace, String name, String uid, String reason, String message) {
        OffsetDateTime now = OffsetDateTime.now();
        String id = uid == null ? Integer.toHexString(name.hashCode()) : uid.length() > 8 ? uid.substring(0, 8) : uid;
        String eventName = (name.length() > 200 ? name.substring(0, 200) : name) + ".osfit-" + reason.toLowerCase(java.util.Locale.ROOT) + "-" + id;
        CoreV1Event event = new CoreV1Event()
                .metadata(new V1ObjectMeta().name(eventName).namespace(namespace))
                .involvedObject(new V1ObjectReference().kind("Pod").apiVersion("v1").name(name).namespace(namespace).uid(uid))
                .reason(reason).message(message.length() > 1024 ? message.substring(0, 1024) : message).type("Warning")
                .source(new V1EventSource().component("osfit"))
                .firstTimestamp(now).lastTimestamp(now).count(1);
        try {
            api.createNamespacedEvent(namespace, event).execute();
        } catch (ApiException e) {
            // 409: already recorded (by this replica or the other one).
            log.debug("could not record an event for {}/{}: HTTP {}", namespace, name, e.getCode());
        }
    }
}
