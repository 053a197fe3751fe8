package dev.osfit.cluster;

import dev.osfit.registry.RegistrySource;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1CronJobList;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1DaemonSetList;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentList;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.openapi.models.V1ReplicaSetList;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Warms the image cache before pods exist: the pod templates of Deployments, StatefulSets, DaemonSets,
 * Jobs, CronJobs and ReplicaSets that no Deployment owns are resolved when the workload is created or
 * changed, so the first pod of a rollout, and its admission hint, is answered from the cache. Each
 * workload is reduced on arrival to its template's images, service account and pull secret names (the
 * informers' caches hold nothing else); a template's images are capped as a pod's are.
 */
final class TemplatePrefetcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TemplatePrefetcher.class);

    /** One workload kind: how to list or watch it, and where its pod template is. */
    private record Kind<T extends KubernetesObject, L extends KubernetesListObject>(
            String name, Class<T> type, Class<L> listType, ListWatchCalls.Lister lister, Function<T, V1PodSpec> template,
            java.util.function.Predicate<T> skip, java.util.function.BiFunction<V1ObjectMeta, V1PodSpec, T> reduced) {
    }

    private final ApiClient client;
    private final Watches watches;
    private final RegistrySource registry;
    private final int maxImages;
    private final AtomicLong templates = new AtomicLong();

    /** @param registry the registry source, or null when registries are off (then nothing is watched) */
    TemplatePrefetcher(ApiClient client, Duration watchTimeout, RegistrySource registry, int maxImages) {
        this.client = client;
        this.watches = new Watches(client, watchTimeout, log, "their images are resolved when their pods appear instead");
        this.registry = registry;
        this.maxImages = maxImages;
    }

    /** Templates seen (created or changed) since start. */
    long templatesSeen() {
        return templates.get();
    }

    @Override
    public synchronized void start() {
        if (registry == null) {
            watches.start(); // osfit.registry.enabled=false: nothing to warm, nothing watched
            return;
        }
        AppsV1Api apps = new AppsV1Api(client);
        BatchV1Api batch = new BatchV1Api(client);
        List<Kind<?, ?>> kinds = List.of(
                new Kind<>("Deployments", V1Deployment.class, V1DeploymentList.class,
                        (version, watch, timeout) -> apps.listDeploymentForAllNamespaces().resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null),
                        d -> d.getSpec() == null ? null : d.getSpec().getTemplate().getSpec(), d -> false,
                        (m, s) -> new V1Deployment().metadata(m).spec(new io.kubernetes.client.openapi.models.V1DeploymentSpec()
                                .template(new io.kubernetes.client.openapi.models.V1PodTemplateSpec().spec(s)))),
                new Kind<>("StatefulSets", V1StatefulSet.class, V1StatefulSetList.class,
                        (version, watch, timeout) -> apps.listStatefulSetForAllNamespaces().resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null),
                        d -> d.getSpec() == null ? null : d.getSpec().getTemplate().getSpec(), d -> false,
                        (m, s) -> new V1StatefulSet().metadata(m).spec(new io.kubernetes.client.openapi.models.V1StatefulSetSpec()
                                .template(new io.kubernetes.client.openapi.models.V1PodTemplateSpec().spec(s)))),
                new Kind<>("DaemonSets", V1DaemonSet.class, V1DaemonSetList.class,
                        (version, watch, timeout) -> apps.listDaemonSetForAllNamespaces().resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null),
                        d -> d.getSpec() == null ? null : d.getSpec().getTemplate().getSpec(), d -> false,
                        (m, s) -> new V1DaemonSet().metadata(m).spec(new io.kubernetes.client.openapi.models.V1DaemonSetSpec()
                                .template(new io.kubernetes.client.openapi.models.V1PodTemplateSpec().spec(s)))),
                // A ReplicaSet a Deployment owns has the Deployment's template: resolved there already.
                new Kind<>("ReplicaSets", V1ReplicaSet.class, V1ReplicaSetList.class,
                        (version, watch, timeout) -> apps.listReplicaSetForAllNamespaces().resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null),
                        d -> d.getSpec() == null || d.getSpec().getTemplate() == null ? null : d.getSpec().getTemplate().getSpec(),
                        d -> d.getMetadata() != null && d.getMetadata().getOwnerReferences() != null && !d.getMetadata().getOwnerReferences().isEmpty(),
                        (m, s) -> new V1ReplicaSet().metadata(m).spec(new io.kubernetes.client.openapi.models.V1ReplicaSetSpec()
                                .template(new io.kubernetes.client.openapi.models.V1PodTemplateSpec().spec(s)))),
                new Kind<>("Jobs", V1Job.class, V1JobList.class,
                        (version, watch, timeout) -> batch.listJobForAllNamespaces().resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null),
                        d -> d.getSpec() == null ? null : d.getSpec().getTemplate().getSpec(),
                        // A CronJob's Jobs have its template: resolved there already.
                        d -> d.getMetadata() != null && d.getMetadata().getOwnerReferences() != null && !d.getMetadata().getOwnerReferences().isEmpty(),
                        (m, s) -> new V1Job().metadata(m).spec(new io.kubernetes.client.openapi.models.V1JobSpec()
                                .template(new io.kubernetes.client.openapi.models.V1PodTemplateSpec().spec(s)))),
                new Kind<>("CronJobs", V1CronJob.class, V1CronJobList.class,
                        (version, watch, timeout) -> batch.listCronJobForAllNamespaces().resourceVersion(version).timeoutSeconds(timeout).watch(watch).buildCall(null),
                        d -> d.getSpec() == null || d.getSpec().getJobTemplate().getSpec() == null ? null
                                : d.getSpec().getJobTemplate().getSpec().getTemplate().getSpec(), d -> false,
                        (m, s) -> new V1CronJob().metadata(m).spec(new io.kubernetes.client.openapi.models.V1CronJobSpec()
                                .jobTemplate(new io.kubernetes.client.openapi.models.V1JobTemplateSpec().spec(
                                        new io.kubernetes.client.openapi.models.V1JobSpec().template(
                                                new io.kubernetes.client.openapi.models.V1PodTemplateSpec().spec(s)))))));
        for (Kind<?, ?> kind : kinds) {
            watch(kind);
        }
        watches.start();
        log.info("watching workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs) to resolve their images "
                + "before their pods exist (osfit.registry.prefetch-templates)");
    }

    private <T extends KubernetesObject, L extends KubernetesListObject> void watch(Kind<T, L> kind) {
        SharedIndexInformer<T> informer = watches.factory().sharedIndexInformerFor(watches.calls(kind.lister()), kind.type(), kind.listType(), 0,
                watches.onFailure(kind.name()));
        // Cached reduced: the metadata osfit needs and the template's lookup fields.
        informer.setTransform(object -> {
            if (!kind.type().isInstance(object)) {
                return object;
            }
            T workload = kind.type().cast(object);
            V1ObjectMeta m = workload.getMetadata();
            V1ObjectMeta meta = m == null ? new V1ObjectMeta() : new V1ObjectMeta().name(m.getName()).namespace(m.getNamespace())
                    .resourceVersion(m.getResourceVersion()).ownerReferences(m.getOwnerReferences() == null || m.getOwnerReferences().isEmpty()
                            ? null : List.of(m.getOwnerReferences().get(0)));
            return kind.reduced().apply(meta, PodSpecs.forLookup(kind.template().apply(workload)));
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T workload) {
                prefetch(kind, workload);
            }

            @Override
            public void onUpdate(T before, T after) {
                prefetch(kind, after);
            }

            @Override
            public void onDelete(T workload, boolean finalStateUnknown) {
                // nothing to do: cached answers expire by themselves
            }
        });
    }

    private <T extends KubernetesObject> void prefetch(Kind<T, ?> kind, T workload) {
        if (kind.skip().test(workload) || workload.getMetadata() == null) {
            return;
        }
        templates.incrementAndGet();
        int n = PodSpecs.prefetch(registry, workload.getMetadata().getNamespace(), kind.template().apply(workload), maxImages);
        log.debug("prefetching {} image(s) of {} {}/{}", n, kind.name(), workload.getMetadata().getNamespace(), workload.getMetadata().getName());
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
