package dev.osfit.match;

import dev.osfit.image.ImagePlatformSource;
import dev.osfit.image.ImagePlatforms;
import dev.osfit.image.ImageRef;
import dev.osfit.image.PullContext;
import dev.osfit.image.PlatformAnnotation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
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

    /**
     * How far one pod may send osfit out: at most {@code images} distinct images and {@code registries}
     * distinct registry hosts are looked up by remote sources; the rest are answered by the others.
     */
    public record RemoteLimits(int images, int registries) {
        public static final RemoteLimits DEFAULTS = new RemoteLimits(32, 8);
    }

    /** Why an image was not looked up remotely, as it shows among the pod's unknown images. */
    static final String OVER_LIMIT = "registry not asked: the pod names more than %d images or %d registries";

    private final List<ImagePlatformSource> sources;
    private final List<ImagePlatformSource> local;
    private final UnknownImagePolicy policy;
    private final Isolation.ByRuntimeClass isolation;
    private final RemoteLimits limits;

    public PodCompiler(List<ImagePlatformSource> sources, UnknownImagePolicy policy) {
        this(sources, policy, Isolation.ByRuntimeClass.PROCESS_ONLY, RemoteLimits.DEFAULTS);
    }

    /**
     * @param isolation which RuntimeClasses give Hyper-V isolation (cluster mode reads them)
     * @param limits    how many images and registries of one pod remote sources are asked about
     */
    public PodCompiler(List<ImagePlatformSource> sources, UnknownImagePolicy policy, Isolation.ByRuntimeClass isolation,
                       RemoteLimits limits) {
        this.sources = List.copyOf(sources);
        this.local = this.sources.stream().filter(s -> !s.remote()).toList();
        this.policy = policy;
        this.isolation = isolation;
        this.limits = limits;
    }

    public CompletionStage<PodRequirements> compile(PodFacts pod) {
        List<ImagePlatformSource> chain = new ArrayList<>(sources.size() + 2);
        List<ImagePlatformSource> localChain = new ArrayList<>(local.size() + 2);
        if (pod.platformAnnotation() != null) {
            PlatformAnnotation.Parsed parsed = PlatformAnnotation.parse(pod.platformAnnotation());
            if (parsed instanceof PlatformAnnotation.Invalid invalid) {
                return CompletableFuture.completedFuture(
                        PodRequirements.unresolvable(Verdict.Kind.INVALID_ANNOTATION,
                        String.format(Reasons.INVALID_ANNOTATION, invalid.problem())));
            }
            chain.add(((PlatformAnnotation.Valid) parsed).annotation());
            localChain.add(((PlatformAnnotation.Valid) parsed).annotation());
        }
        chain.addAll(sources);
        localChain.addAll(local);
        Optional<ImagePlatforms> fromSelectors = SelectorPlatforms.of(pod);
        chain.add(ref -> CompletableFuture.completedFuture(fromSelectors));
        localChain.add(ref -> CompletableFuture.completedFuture(fromSelectors));
        Set<String> registries = new HashSet<>();
        Set<String> overLimit = new HashSet<>();

        Map<String, CompletableFuture<Optional<ImagePlatforms>>> lookups = new LinkedHashMap<>();
        Map<String, String> invalid = new LinkedHashMap<>();
        PullContext requester = pod.pullContext();
        boolean allDone = true;
        for (PodFacts.Container c : pod.containers()) {
            String image = c.image();
            if (lookups.containsKey(image) || invalid.containsKey(image)) {
                continue;
            }
            ImageRef.Parsed parsed = ImageRef.parse(image);
            if (parsed instanceof ImageRef.Invalid bad) {
                invalid.put(image, bad.reason());
            } else {
                ImageRef ref = ((ImageRef.Valid) parsed).ref();
                // The pod's author chooses how many images and hosts: past the limits, no lookup leaves osfit.
                boolean remote = lookups.size() < limits.images()
                        && (registries.contains(ref.registry()) || registries.size() < limits.registries());
                if (remote) {
                    registries.add(ref.registry());
                } else {
                    overLimit.add(image);
                }
                CompletableFuture<Optional<ImagePlatforms>> lookup = resolve(ref, remote ? chain : localChain, 0, requester);
                allDone &= lookup.isDone();
                lookups.put(image, lookup);
            }
        }
        if (allDone) {
            // Every source answered from what it holds (the usual case): no future chained per pod.
            return CompletableFuture.completedFuture(requirements(pod, lookups, invalid, overLimit));
        }
        return CompletableFuture.allOf(lookups.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> requirements(pod, lookups, invalid, overLimit));
    }

    private PodRequirements requirements(PodFacts pod, Map<String, CompletableFuture<Optional<ImagePlatforms>>> lookups,
                                         Map<String, String> invalid, Set<String> overLimit) {
        List<PodRequirements.ImageNeed> known = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        lookups.forEach((image, lookup) -> {
            Optional<ImagePlatforms> platforms = lookup.join();
            if (platforms.isPresent()) {
                known.add(new PodRequirements.ImageNeed(image, platforms.get().platforms(), platforms.get().source()));
            } else if (overLimit.contains(image)) {
                unknown.add(image + " (" + String.format(OVER_LIMIT, limits.images(), limits.registries()) + ")");
            } else {
                unknown.add(image);
            }
        });
        invalid.forEach((image, reason) -> unknown.add(image + " (" + reason + ")"));
        Isolation iso = pod.runtimeClassName() == null ? Isolation.PROCESS : isolation.of(pod.runtimeClassName());
        return PodRequirements.of(pod, known, unknown, policy, iso);
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

    /**
     * The first source in {@code chain}, from {@code i}, that knows the image (a source that fails counts as
     * not knowing). Sources that answer at once are asked in a loop; only a lookup under way is chained.
     */
    private static CompletableFuture<Optional<ImagePlatforms>> resolve(ImageRef ref, List<ImagePlatformSource> chain, int i,
                                                                     PullContext requester) {
        for (; i < chain.size(); i++) {
            CompletableFuture<Optional<ImagePlatforms>> answer = chain.get(i).platforms(ref, requester).toCompletableFuture();
            if (!answer.isDone()) {
                int next = i + 1;
                return answer.exceptionally(error -> Optional.empty())
                        .thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found) : resolve(ref, chain, next, requester));
            }
            if (!answer.isCompletedExceptionally()) {
                Optional<ImagePlatforms> found = answer.join();
                if (found.isPresent()) {
                    return answer;
                }
            }
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }
}
