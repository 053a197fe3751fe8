package dev.osfit.cluster;

import dev.osfit.image.PullContext;
import dev.osfit.registry.PullSecretLookup;
import dev.osfit.registry.RegistryCredentials;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1LocalObjectReference;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1ServiceAccountList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Pull secrets as the kubelet uses them, watched when {@code osfit.registry.pull-secrets} is on:
 * Secrets of the two docker types only (a field selector on {@code type}, so no other Secret ever
 * reaches osfit) and ServiceAccounts. Each object is reduced on arrival to what a lookup needs: a
 * secret's docker configuration (at most {@link #MAX_SECRET_BYTES}; larger ones are skipped) and a
 * service account's pull secret names; nothing of a secret is logged.
 */
final class PullSecrets implements PullSecretLookup, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PullSecrets.class);
    static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
    static final String DOCKER_CFG = "kubernetes.io/dockercfg";
    /** A real docker configuration is a few hundred bytes; a Secret may hold a megabyte. */
    static final int MAX_SECRET_BYTES = 64 * 1024;

    /** Secrets are watched twice (once per type), and ServiceAccounts. */
    private final Watches watches;
    /** namespace/name -> the secret's docker configuration, parsed as it arrived. */
    private final Map<String, RegistryCredentials.DockerConfig> secrets = new ConcurrentHashMap<>();
    /** namespace/name -> the service account's imagePullSecrets. */
    private final Map<String, List<String>> serviceAccounts = new ConcurrentHashMap<>();
    PullSecrets(ApiClient client, Duration watchTimeout) {
        this.client = client;
        this.watches = new Watches(client, watchTimeout, log, "lookups go on with the credentials osfit already has (check the RBAC "
                + "of manifests/components/pull-secrets)");
    }

    private final ApiClient client;

    /** The pod's imagePullSecrets, or when it names none its service account's, that osfit holds, in order. */
    @Override
    public List<RegistryCredentials.DockerConfig> dockerConfigs(PullContext requester) {
        if (requester.namespace() == null) {
            return List.of();
        }
        List<String> names = requester.pullSecrets();
        if (names.isEmpty()) {
            String account = requester.serviceAccount() == null ? "default" : requester.serviceAccount();
            names = serviceAccounts.getOrDefault(requester.namespace() + "/" + account, List.of());
        }
        List<RegistryCredentials.DockerConfig> out = new ArrayList<>(names.size());
        for (String name : names) {
            RegistryCredentials.DockerConfig config = secrets.get(requester.namespace() + "/" + name);
            if (config != null) {
                out.add(config);
            }
        }
        return out;
    }

    int secretsHeld() {
        return secrets.size();
    }

    @Override
    public synchronized void start() {
        CoreV1Api api = new CoreV1Api(client);
        for (String type : List.of(DOCKER_CONFIG_JSON, DOCKER_CFG)) {
            SharedIndexInformer<V1Secret> informer = watches.factory().sharedIndexInformerFor(watches.calls(
                    (version, watch, timeout) -> api.listSecretForAllNamespaces().fieldSelector("type=" + type).resourceVersion(version)
                            .timeoutSeconds(timeout).watch(watch).buildCall(null)), V1Secret.class, V1SecretList.class, 0,
                    watches.onFailure("pull secrets"));
            // The informer's own cache keeps only the reduced secret.
            informer.setTransform(object -> object instanceof V1Secret s ? reduce(s) : object);
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(V1Secret s) {
                    putSecret(s);
                }

                @Override
                public void onUpdate(V1Secret before, V1Secret after) {
                    putSecret(after);
                }

                @Override
                public void onDelete(V1Secret s, boolean finalStateUnknown) {
                    secrets.remove(key(s.getMetadata()));
                }
            });
        }
        SharedIndexInformer<V1ServiceAccount> accounts = watches.factory().sharedIndexInformerFor(watches.calls(
                (version, watch, timeout) -> api.listServiceAccountForAllNamespaces().resourceVersion(version).timeoutSeconds(timeout)
                        .watch(watch).buildCall(null)), V1ServiceAccount.class, V1ServiceAccountList.class, 0, watches.onFailure("service accounts"));
        accounts.setTransform(object -> object instanceof V1ServiceAccount a ? reduce(a) : object);
        accounts.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1ServiceAccount a) {
                putAccount(a);
            }

            @Override
            public void onUpdate(V1ServiceAccount before, V1ServiceAccount after) {
                putAccount(after);
            }

            @Override
            public void onDelete(V1ServiceAccount a, boolean finalStateUnknown) {
                serviceAccounts.remove(key(a.getMetadata()));
            }
        });
        watches.start();
        log.info("watching pull secrets ({} and {} Secrets) and service accounts for registry credentials (osfit.registry.pull-secrets)",
                DOCKER_CONFIG_JSON, DOCKER_CFG);
    }

    private static String key(V1ObjectMeta meta) {
        return meta == null ? "" : meta.getNamespace() + "/" + meta.getName();
    }

    /** Only the metadata and the docker configuration, and that only when it is of a sane size. */
    static V1Secret reduce(V1Secret s) {
        V1ObjectMeta meta = s.getMetadata() == null ? new V1ObjectMeta()
                : new V1ObjectMeta().name(s.getMetadata().getName()).namespace(s.getMetadata().getNamespace())
                        .resourceVersion(s.getMetadata().getResourceVersion());
        V1Secret out = new V1Secret().metadata(meta).type(s.getType());
        byte[] config = s.getData() == null ? null
                : s.getData().get(DOCKER_CFG.equals(s.getType()) ? ".dockercfg" : ".dockerconfigjson");
        if (config != null && config.length <= MAX_SECRET_BYTES) {
            out.putDataItem("config", config);
        }
        return out;
    }

    static V1ServiceAccount reduce(V1ServiceAccount a) {
        V1ObjectMeta meta = a.getMetadata() == null ? new V1ObjectMeta()
                : new V1ObjectMeta().name(a.getMetadata().getName()).namespace(a.getMetadata().getNamespace())
                        .resourceVersion(a.getMetadata().getResourceVersion());
        V1ServiceAccount out = new V1ServiceAccount().metadata(meta);
        if (a.getImagePullSecrets() != null) {
            a.getImagePullSecrets().stream().filter(r -> r != null && r.getName() != null).limit(PullContext.MAX_SECRETS)
                    .forEach(r -> out.addImagePullSecretsItem(new V1LocalObjectReference().name(r.getName())));
        }
        return out;
    }

    private void putSecret(V1Secret s) {
        byte[] config = s.getData() == null ? null : s.getData().get("config");
        if (config == null) {
            secrets.remove(key(s.getMetadata()));
            return;
        }
        secrets.put(key(s.getMetadata()), RegistryCredentials.DockerConfig.parse(config));
    }

    private void putAccount(V1ServiceAccount a) {
        List<String> names = a.getImagePullSecrets() == null ? List.of()
                : a.getImagePullSecrets().stream().map(V1LocalObjectReference::getName).toList();
        if (names.isEmpty()) {
            serviceAccounts.remove(key(a.getMetadata()));
        } else {
            serviceAccounts.put(key(a.getMetadata()), names);
        }
    }

    @Override
    public synchronized void stop() {
        watches.stop();
    }

    @Override
    public boolean isRunning() {
        return watches.running();
    }
}
