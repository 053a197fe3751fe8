package dev.osfit.match;

import dev.osfit.image.ImagePlatformSource;
import dev.osfit.image.ImagePlatforms;
import dev.osfit.image.ImageRef;
import dev.osfit.image.PlatformAnnotation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns a pod into {@link PodRequirements}, asking for each distinct image, in order: the pod's
 * {@code osfit.dev/image-platforms} annotation, the configured sources (the registry, the Windows tag
 * table), and last the pod's own selectors. The first source that knows an image wins.
 */
public final class PodCompiler {

    private final List<ImagePlatformSource> sources;
    private final UnknownImagePolicy policy;
    private final Isolation.ByRuntimeClass isolation;

    public PodCompiler(List<ImagePlatformSource> sources, UnknownImagePolicy policy) {
        this(sources, policy, Isolation.ByRuntimeClass.PROCESS_ONLY);
    }

    /** @param isolation which RuntimeClasses give Hyper-V isolation (cluster mode reads them) */
    public PodCompiler(List<ImagePlatformSource> sources, UnknownImagePolicy policy, Isolation.ByRuntimeClass isolation) {
        this.sources = List.copyOf(sources);
        this.policy = policy;
        this.isolation = isolation;
    }

    public CompletionStage<PodRequirements> compile(PodFacts pod) {
        List<ImagePlatformSource> chain = new ArrayList<>(sources.size() + 2);
        if (pod.platformAnnotation() != null) {
            PlatformAnnotation.Parsed parsed = PlatformAnnotation.parse(pod.platformAnnotation());
            if (parsed instanceof PlatformAnnotation.Invalid invalid) {
                return CompletableFuture.completedFuture(
                        PodRequirements.unresolvable(Verdict.Kind.INVALID_ANNOTATION,
                        String.format(Reasons.INVALID_ANNOTATION, invalid.problem())));
            }
            chain.add(((PlatformAnnotation.Valid) parsed).annotation());
        }
        chain.addAll(sources);
        Optional<ImagePlatforms> fromSelectors = SelectorPlatforms.of(pod);
        chain.add(ref -> CompletableFuture.completedFuture(fromSelectors));

        Map<String, CompletableFuture<Optional<ImagePlatforms>>> lookups = new LinkedHashMap<>();
        Map<String, String> invalid = new LinkedHashMap<>();
        for (PodFacts.Container c : pod.containers()) {
            String image = c.image();
            if (lookups.containsKey(image) || invalid.containsKey(image)) {
                continue;
            }
            ImageRef.Parsed parsed = ImageRef.parse(image);
            if (parsed instanceof ImageRef.Invalid bad) {
                invalid.put(image, bad.reason());
            } else {
                lookups.put(image, resolve(((ImageRef.Valid) parsed).ref(), chain, 0).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(lookups.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<PodRequirements.ImageNeed> known = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            lookups.forEach((image, lookup) -> {
                Optional<ImagePlatforms> platforms = lookup.join();
                if (platforms.isPresent()) {
                    known.add(new PodRequirements.ImageNeed(image, platforms.get().platforms(), platforms.get().source()));
                } else {
                    unknown.add(image);
                }
            });
            invalid.forEach((image, reason) -> unknown.add(image + " (" + reason + ")"));
            Isolation iso = pod.runtimeClassName() == null ? Isolation.PROCESS : isolation.of(pod.runtimeClassName());
            return PodRequirements.of(pod, known, unknown, policy, iso);
        });
    }

    /** Whether a source is still looking up one of the pod's images (a later compile may know more). */
    public boolean pending(PodFacts pod) {
        for (PodFacts.Container c : pod.containers()) {
            if (ImageRef.parse(c.image()) instanceof ImageRef.Valid valid) {
                for (ImagePlatformSource source : sources) {
                    if (source.pending(valid.ref())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static CompletionStage<Optional<ImagePlatforms>> resolve(ImageRef ref, List<ImagePlatformSource> chain, int i) {
        if (i == chain.size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return chain.get(i).platforms(ref)
                .exceptionally(error -> Optional.empty())
                .thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found) : resolve(ref, chain, i + 1));
    }
}
