package dev.osfit.config;

import dev.osfit.cluster.NodeSourceMode;
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
 * osfit's settings ({@code osfit.*}), with their defaults. README lists every key.
 *
 * @param maxRequestSize     largest request body accepted; larger ones get 400 (a full NodeList of
 *                           5000 kubelet-reported nodes is about 60 MB)
 * @param unknownImagePolicy what to do with a pod whose images no source knows
 * @param scoring            the scores of compatible nodes
 * @param nodes              where the nodes of names-only requests come from
 */
@Validated
@ConfigurationProperties("osfit")
public record OsfitProperties(
        @NotNull @DefaultValue("64MB") DataSize maxRequestSize,
        @NotNull @DefaultValue("allow") UnknownImagePolicy unknownImagePolicy,
        @Valid @NotNull @DefaultValue ScoringProperties scoring,
        @Valid @NotNull @DefaultValue NodesProperties nodes) {

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
     * @param source          request, cluster or auto (cluster when credentials are found)
     * @param kubeconfig      a kubeconfig file to use instead of the standard search (KUBECONFIG,
     *                        ~/.kube/config, in-cluster service account)
     * @param publishInterval how often node changes are published as a new index snapshot; bounds how
     *                        long a relabelled node takes to show
     */
    public record NodesProperties(
            @NotNull @DefaultValue("auto") NodeSourceMode source,
            String kubeconfig,
            @NotNull @DefaultValue("100ms") Duration publishInterval) {

        public NodesProperties {
            if (publishInterval != null && (publishInterval.toMillis() < 10 || publishInterval.toSeconds() > 60)) {
                throw new IllegalArgumentException("osfit.nodes.publish-interval must be between 10ms and 60s, was " + publishInterval);
            }
        }
    }

    /** {@code osfit.scoring.*}: see {@link Scoring} for what each score means. All scores are on 0..10. */
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
