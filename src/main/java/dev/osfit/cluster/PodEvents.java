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

    /** Records a Warning event; a failure is logged at DEBUG (an event is worth less than the work that made it). */
    public void warning(String namespace, String name, String uid, String reason, String message) {
        OffsetDateTime now = OffsetDateTime.now();
        CoreV1Event event = new CoreV1Event()
                .metadata(new V1ObjectMeta().generateName(name + ".osfit-").namespace(namespace))
                .involvedObject(new V1ObjectReference().kind("Pod").apiVersion("v1").name(name).namespace(namespace).uid(uid))
                .reason(reason).message(message.length() > 1024 ? message.substring(0, 1024) : message).type("Warning")
                .source(new V1EventSource().component("osfit"))
                .firstTimestamp(now).lastTimestamp(now).count(1);
        try {
            api.createNamespacedEvent(namespace, event).execute();
        } catch (ApiException e) {
            log.debug("could not record an event for {}/{}: HTTP {}", namespace, name, e.getCode());
        }
    }
}
