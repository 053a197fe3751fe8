package dev.osfit.config;

import dev.osfit.match.Scoring;
import java.time.Duration;
import dev.osfit.match.UnknownImagePolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * osfit's settings ({@code osfit.*}), with their defaults. The Javadoc of each parameter is the
 * key's description in README's generated configuration reference (ConfigurationReferenceTest), so
 * it is written for admins: what the key does, its range, what it costs.
 *
 * @param maxRequestSize     largest request body accepted (1KB..1024MB); larger ones get 400, AdmissionReviews
 *                           413. A full node list of 5000 kubelet-reported nodes is about 60 MB.
 *                           {@code spring.http.codecs.max-in-memory-size} follows it
 * @param requestReadTimeout longest a request may take to arrive in full (and the longest gap between its
 *                           bytes), and its headers from their first byte; slower senders get 408 (or, still
 *                           sending headers, no answer) and their connection is closed
 * @param unknownImagePolicy what to do with a pod whose images no source knows: {@code allow} passes it
 *                           everywhere with the neutral score, {@code deny} fails every node (FailedNodes)
 * @param drainDelay         on SIGTERM, how long osfit keeps serving with readiness DOWN before it
 *                           stops taking connections, so the Service stops sending it traffic first (5s in
 *                           the manifests)
 * @param idleTimeout        how long a connection may stay open without a request, on every port; then it is
 *                           closed (kube-scheduler and the API server reconnect)
 * @param maxConnections     connections open at once on each port (the main port with the management
 *                           endpoints, and the webhook port); more are closed as soon as they are accepted.
 *                           kube-scheduler and the API server keep a handful open
 * @param scoring            the scores of compatible nodes
 * @param nodes              where the nodes of names-only requests come from
 * @param registry           image platforms from registries: cache, budget, credentials, safety
 * @param admission          placement hints written into pods at creation (the mutating webhook)
 * @param windows            Windows specifics: which RuntimeClass handlers mean Hyper-V isolation
 * @param tls                the tls profile's files and which client identities may call
 */
@Validated
@ConfigurationProperties(prefix = "osfit", ignoreUnknownFields = false)
public record OsfitProperties(
        @NotNull @DefaultValue("64MB") DataSize maxRequestSize,
        @NotNull @DefaultValue("10s") Duration requestReadTimeout,
        @NotNull @DefaultValue("60s") Duration idleTimeout,
        @Min(1) @Max(1_000_000) @DefaultValue("1024") int maxConnections,
        @NotNull @DefaultValue("allow") UnknownImagePolicy unknownImagePolicy,
        @NotNull @DefaultValue("0s") Duration drainDelay,
        @Valid @NotNull @DefaultValue ScoringProperties scoring,
        @Valid @NotNull @DefaultValue NodesProperties nodes,
        @Valid @NotNull @DefaultValue RegistryProperties registry,
        @Valid @NotNull @DefaultValue AdmissionProperties admission,
        @Valid @NotNull @DefaultValue WindowsProperties windows,
        @Valid @NotNull @DefaultValue TlsProperties tls) {

    /** The ceiling for {@link #maxRequestSize}: request bodies are held in one byte array. */
    static final DataSize MAX_REQUEST_SIZE_LIMIT = DataSize.ofMegabytes(1024);

    public OsfitProperties {
        if (maxRequestSize != null && (maxRequestSize.toBytes() < 1024 || maxRequestSize.compareTo(MAX_REQUEST_SIZE_LIMIT) > 0)) {
            throw new IllegalArgumentException("osfit.max-request-size must be between 1KB and 1024MB, was " + maxRequestSize);
        }
    }

    /**
     * {@code osfit.nodes.*}.
     *
     * @param source          where nodes come from: {@code request} (standalone: nodes come with each request),
     *                        {@code cluster} (watch the cluster's nodes; names-only requests are answered from the
     *                        index) or {@code auto} (cluster when a kubeconfig or in-cluster service account is found)
     * @param kubeconfig      a kubeconfig file to use instead of the standard search ({@code KUBECONFIG},
     *                        {@code ~/.kube/config}, in-cluster service account)
     * @param publishInterval how often node changes become a new index snapshot (10ms..60s); bounds how
     *                        long a relabelled node takes to show
     * @param requestTimeout  how long the API server may take to begin answering a list, watch, get or
     *                        patch, and the longest silence while a list arrives; then osfit gives up and
     *                        retries (100ms..10m)
     * @param watchTimeout    the shortest watch osfit asks the API server for (each asks for this times a
     *                        random factor in [1, 2)); a watch silent past its length plus the request timeout
     *                        is dropped (1s..60m)
     * @param auditPlacements cluster mode: read each pod once kube-scheduler has bound it and report one placed
     *                        where osfit rejects it (metric, WARN, Warning event on the pod; needs
     *                        {@code events: create})
     * @param auditUnconsulted also report pods bound without osfit being asked about them ({@code OsfitNotConsulted});
     *                        sound only when one osfit replica answers a scheduler (each replica sees only the
     *                        calls it gets)
     * @param watchFailedStarts cluster mode: watch pods' {@code Failed} events for platform mismatches ("The container
     *                        operating system does not match the host operating system", "exec format error"): count them
     *                        per image and node, show them in {@code /explain}, and read the image's platforms again (needs
     *                        list/watch on events)
     * @param detectDrift     cluster mode: find pods running on nodes that can no longer run their images (a node
     *                        relabelled after an in-place upgrade, an image tag moved to another build): a Warning event
     *                        {@code OsfitDrift} on each, once, and {@code osfit_drift_pods{namespace}}
     * @param driftSweep      how often every scheduled pod is checked for drift (10s..24h); a node whose platform changes
     *                        has its pods checked within seconds
     * @param forgetAfter     how long osfit remembers the platform of a node it saw in a full-node request, after
     *                        it last saw it (1m..30d); standalone preempt, which names nodes only, answers from it
     */
    public record NodesProperties(
            @NotNull @DefaultValue("auto") NodeSourceMode source,
            String kubeconfig,
            @NotNull @DefaultValue("100ms") Duration publishInterval,
            @NotNull @DefaultValue("30s") Duration requestTimeout,
            @NotNull @DefaultValue("5m") Duration watchTimeout,
            @NotNull @DefaultValue("24h") Duration forgetAfter,
            @DefaultValue("true") boolean auditPlacements,
            @DefaultValue("false") boolean auditUnconsulted,
            @DefaultValue("true") boolean watchFailedStarts,
            @DefaultValue("true") boolean detectDrift,
            @NotNull @DefaultValue("10m") Duration driftSweep) {

        public NodesProperties {
            if (requestTimeout != null && (requestTimeout.toMillis() < 100 || requestTimeout.toMinutes() > 10)) {
                throw new IllegalArgumentException("osfit.nodes.request-timeout must be between 100ms and 10m, was " + requestTimeout);
            }
            if (driftSweep != null && (driftSweep.toSeconds() < 10 || driftSweep.toHours() > 24)) {
                throw new IllegalArgumentException("osfit.nodes.drift-sweep must be between 10s and 24h, was " + driftSweep);
            }
            if (forgetAfter != null && (forgetAfter.toSeconds() < 60 || forgetAfter.toDays() > 30)) {
                throw new IllegalArgumentException("osfit.nodes.forget-after must be between 1m and 30d, was " + forgetAfter);
            }
            if (watchTimeout != null && (watchTimeout.toSeconds() < 1 || watchTimeout.toMinutes() > 60)) {
                throw new IllegalArgumentException("osfit.nodes.watch-timeout must be between 1s and 60m, was " + watchTimeout);
            }
            if (publishInterval != null && (publishInterval.toMillis() < 10 || publishInterval.toSeconds() > 60)) {
                throw new IllegalArgumentException("osfit.nodes.publish-interval must be between 10ms and 60s, was " + publishInterval);
            }
        }
    }

    /**
     * {@code osfit.registry.*}: where image platforms come from when no annotation states them.
     *
     * @param enabled         ask registries at all (off: only the annotation, the Windows tag table and the pod's selectors)
     * @param requestBudget   the longest a scheduling request waits for a registry (0..4s); then the static sources
     *                        answer and the fetch goes on in the background (well under kube-scheduler's 5s httpTimeout)
     * @param tagTtl          how long a tag's answer is kept (at least 2s); revalidated in the background after half
     *                        of it, with a HEAD request that fetches again only when the digest moved
     * @param digestTtl       how long a digest's answer is kept (digests never change)
     * @param failureTtl      how long a failed lookup is kept before the registry is asked again
     * @param maxEntries      about how many images the cache keeps: it is bounded by weight, an answer weighing 4
     *                        plus its platforms, so answers with many platforms count for more
     * @param connectTimeout  TCP connect timeout
     * @param readTimeout     the longest osfit waits for a registry's answer (in the background too)
     * @param maxManifestSize largest manifest, index or config read (1KB..64MB); a larger one is {@code too_large}
     * @param maxRedirects    most redirects followed for one request
     * @param insecure        registry hosts (host or host:port) reached over plain HTTP; HTTPS everywhere else
     * @param allow           hosts that may be contacted even at loopback, link-local or private addresses
     * @param deny            hosts never contacted (".example.com" matches subdomains)
     * @param allowOnly       contact only the hosts in {@code allow}
     * @param caFile          a PEM bundle of extra CAs for private registries (added to the JDK's)
     * @param dockerConfig    a docker config.json with registry credentials (a mounted dockerconfigjson Secret)
     * @param containerdHostsDir containerd's registry host directory ({@code config_path}, the {@code certs.d} layout:
     *                        {@code <registry>/hosts.toml}, {@code _default}): osfit asks the mirrors the nodes' containerd
     *                        asks, in the same order; hosts named there pass the address rule. Re-read when it changes
     * @param registriesConf  CRI-O's or podman's {@code registries.conf} (version 2): mirrors, locations and blocked
     *                        registries as CRI-O applies them. Set this or {@code containerd-hosts-dir}, not both
     * @param credentialProviderConfig the kubelet's {@code CredentialProviderConfig} (its
     *                        {@code --image-credential-provider-config}): osfit runs the same plugins (ECR, ACR, GCR) for
     *                        the images they match, when a registry asks for credentials
     * @param credentialProviderBinDir where the plugins' executables are (the kubelet's
     *                        {@code --image-credential-provider-bin-dir})
     * @param pullSecrets     cluster mode: use the pod's {@code imagePullSecrets} (or its service account's) as the kubelet
     *                        does, for registries that want credentials; watches Secrets of the two docker types and
     *                        ServiceAccounts (the RBAC in {@code manifests/components/pull-secrets})
     * @param prefetchTemplates in cluster mode, resolve the images of workload pod templates (Deployments,
     *                        StatefulSets, DaemonSets, Jobs, CronJobs, ReplicaSets without owner) when they are created
     *                        or changed, before their pods exist (needs list/watch on them)
     * @param prefetch        in cluster mode, resolve the images of pods not yet scheduled as they appear (needs
     *                        list/watch on pods)
     * @param maxImagesPerPod     most distinct images of one pod looked up in registries; the rest are answered by the
     *                            other sources, or are unknown with the reason {@code registry not asked}
     * @param maxRegistriesPerPod most distinct registry hosts one pod makes osfit contact
     */
    public record RegistryProperties(
            @DefaultValue("true") boolean enabled,
            @NotNull @DefaultValue("1s") Duration requestBudget,
            @NotNull @DefaultValue("10m") Duration tagTtl,
            @NotNull @DefaultValue("24h") Duration digestTtl,
            @NotNull @DefaultValue("30s") Duration failureTtl,
            @Min(1) @DefaultValue("10000") long maxEntries,
            @NotNull @DefaultValue("2s") Duration connectTimeout,
            @NotNull @DefaultValue("10s") Duration readTimeout,
            @NotNull @DefaultValue("4MB") DataSize maxManifestSize,
            @Min(0) @Max(10) @DefaultValue("3") int maxRedirects,
            @DefaultValue java.util.List<String> insecure,
            @DefaultValue java.util.List<String> allow,
            @DefaultValue java.util.List<String> deny,
            @DefaultValue("false") boolean allowOnly,
            String caFile,
            String dockerConfig,
            String containerdHostsDir,
            String registriesConf,
            String credentialProviderConfig,
            @NotNull @DefaultValue("/etc/osfit/credential-provider") String credentialProviderBinDir,
            @DefaultValue("false") boolean pullSecrets,
            @DefaultValue("true") boolean prefetchTemplates,
            @DefaultValue("true") boolean prefetch,
            @Min(1) @Max(1000) @DefaultValue("32") int maxImagesPerPod,
            @Min(1) @Max(100) @DefaultValue("8") int maxRegistriesPerPod) {

        public RegistryProperties {
            if (requestBudget != null && (requestBudget.isNegative() || requestBudget.toMillis() > 4000)) {
                throw new IllegalArgumentException("osfit.registry.request-budget must be between 0 and 4s (kube-scheduler's "
                        + "default httpTimeout is 5s), was " + requestBudget);
            }
            if (tagTtl != null && tagTtl.toSeconds() < 2) {
                throw new IllegalArgumentException("osfit.registry.tag-ttl must be at least 2s, was " + tagTtl);
            }
            if (containerdHostsDir != null && !containerdHostsDir.isBlank() && registriesConf != null && !registriesConf.isBlank()) {
                throw new IllegalArgumentException("set osfit.registry.containerd-hosts-dir or osfit.registry.registries-conf, not both: "
                        + "osfit resolves images as one container runtime does");
            }
            if (maxManifestSize != null && (maxManifestSize.toBytes() < 1024 || maxManifestSize.toMegabytes() > 64)) {
                throw new IllegalArgumentException("osfit.registry.max-manifest-size must be between 1KB and 64MB, was " + maxManifestSize);
            }
        }
    }

    /**
     * {@code osfit.admission.*}: the mutating webhook at {@code /admission/pods}.
     *
     * @param enabled        answer admission reviews at all (off: 404)
     * @param budget         the longest one admission waits for image platforms (0..9s); slower, the pod is left
     *                       unchanged or gated (the lookup goes on and is cached for the next pod)
     * @param certainSources the image platform sources whose answer is trusted enough to write into a pod
     *                       (registry: the image's own index; annotation: the pod's author said so).
     *                       The Windows tag table and the pod's selectors are guesses and only feed the extender
     * @param maxTerms       most node selector terms a pod may end up with (existing terms times new ones)
     * @param port           also serve the webhook alone over HTTPS on this port (0: only at the main port; 9443
     *                       with {@code SPRING_PROFILES_ACTIVE=webhook}), with the SSL bundle {@code tls-bundle}: the API
     *                       server calls webhooks over HTTPS without a client certificate, while the extender port may
     *                       demand one
     * @param tlsBundle      the Spring Boot SSL bundle of the webhook port ({@code spring.ssl.bundle.pem.<name>})
     * @param tlsDir         the directory of the webhook port's tls.crt and tls.key (the webhook profile's bundle reads it)
     * @param gate           hold pods whose images are not resolved in time with a scheduling gate (cluster mode)
     * @param excludedNamespaces pods in these namespaces are never changed, whatever the webhook configuration sends
     * @param denyConflicts  reject a pod that no node can ever run (its images need conflicting platforms, or its
     *                       platform annotation is invalid) instead of admitting it held Pending with a warning
     */
    public record AdmissionProperties(
            @DefaultValue("true") boolean enabled,
            @NotNull @DefaultValue("500ms") Duration budget,
            @NotNull @DefaultValue({"registry", "annotation"}) java.util.List<String> certainSources,
            @Min(1) @Max(100) @DefaultValue("32") int maxTerms,
            @Min(0) @Max(65535) @DefaultValue("0") int port,
            @NotNull @DefaultValue("webhook") String tlsBundle,
            String tlsDir,
            @Valid @NotNull @DefaultValue GateProperties gate,
            @NotNull @DefaultValue({"kube-system", "osfit-system"}) java.util.List<String> excludedNamespaces,
            @DefaultValue("false") boolean denyConflicts) {

        public AdmissionProperties {
            if (budget != null && (budget.isNegative() || budget.toMillis() > 9000)) {
                throw new IllegalArgumentException("osfit.admission.budget must be between 0 and 9s (the webhook's timeout is at "
                        + "most 10s), was " + budget);
            }
        }
    }

    /**
     * {@code osfit.admission.gate.*}: when the registry is too slow for the admission budget, the
     * webhook adds the scheduling gate {@code osfit.dev/resolving}; osfit's gate controller resolves the
     * images, writes the hints and removes the gate, and removes it without hints after {@code maxWait}.
     * Needs Kubernetes 1.30+ and RBAC to patch pods and create events.
     *
     * @param enabled gate pods the registry is too slow for (cluster mode; needs RBAC to patch pods and create
     *                events; off: slow pods are left unchanged)
     * @param maxWait the longest a pod stays gated, from its creation (1s..10m)
     */
    public record GateProperties(
            @DefaultValue("false") boolean enabled,
            @NotNull @DefaultValue("30s") Duration maxWait) {

        public GateProperties {
            if (maxWait != null && (maxWait.toSeconds() < 1 || maxWait.toMinutes() > 10)) {
                throw new IllegalArgumentException("osfit.admission.gate.max-wait must be between 1s and 10m, was " + maxWait);
            }
        }
    }

    /**
     * {@code osfit.windows.*}.
     *
     * @param hypervHandlers RuntimeClass handlers that run Windows pods in a Hyper-V utility VM (containerd's
     *                       {@code runhcs-wcow-hypervisor}); pods whose RuntimeClass has one may run images of older
     *                       builds than the node's. Read in cluster mode; empty: every pod is process isolation
     */
    public record WindowsProperties(
            @NotNull @DefaultValue("runhcs-wcow-hypervisor") java.util.List<String> hypervHandlers) {
    }

    /**
     * {@code osfit.tls.*} (the tls profile).
     *
     * @param dir            with {@code SPRING_PROFILES_ACTIVE=tls}: the directory of {@code tls.crt}, {@code tls.key}
     *                       and {@code ca.crt} (HTTPS with client certificates required, reloaded on change)
     * @param allowedClients with the tls profile: client certificate identities allowed to call the extender port (a
     *                       subject common name, or a DNS or URI subject alternative name; kube-scheduler's, say
     *                       {@code osfit-scheduler}); others get 403. Empty: any certificate the CA signed
     */
    public record TlsProperties(
            @NotNull @DefaultValue("/etc/osfit/tls") String dir,
            @NotNull @DefaultValue java.util.List<String> allowedClients) {
    }

    /**
     * {@code osfit.scoring.*}: see {@link Scoring} for what each score means. All scores are on 0..10.
     *
     * @param exactMatch         image and node agree on everything known: Windows build and revision, or Linux
     *                           architecture
     * @param sameBuild          same Windows build, revision unknown on one side
     * @param revisionStep       every this many revisions (UBR) between image and node cost {@code revision-penalty}
     *                           (rounded up)
     * @param revisionPenalty    cost of one revision step
     * @param maxRevisionPenalty most that revision distance can cost
     * @param olderBuild         the node runs a newer build inside the image's compatibility window (an
     *                           {@code ltsc2022} image on 22621)
     * @param osOnly             only the OS is known on one side (node without a build label, image known only as
     *                           Windows)
     * @param unknown            nothing known (unknown image under {@code allow}, node osfit cannot check)
     */
    public record ScoringProperties(
            @Min(0) @Max(10) @DefaultValue("10") int exactMatch,
            @Min(0) @Max(10) @DefaultValue("9") int sameBuild,
            @Min(1) @DefaultValue("100") int revisionStep,
            @Min(0) @Max(10) @DefaultValue("1") int revisionPenalty,
            @Min(0) @Max(10) @DefaultValue("3") int maxRevisionPenalty,
            @Min(0) @Max(10) @DefaultValue("6") int olderBuild,
            @Min(0) @Max(10) @DefaultValue("5") int osOnly,
            @Min(0) @Max(10) @DefaultValue("5") int unknown) {

        public Scoring toScoring() {
            return new Scoring(exactMatch, sameBuild, revisionStep, revisionPenalty, maxRevisionPenalty, olderBuild, osOnly, unknown);
        }
    }
}
