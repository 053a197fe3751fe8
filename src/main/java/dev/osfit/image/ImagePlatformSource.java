package dev.osfit.image;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Something that may know which platforms an image is published for: a pod annotation, the image's
 * registry, the table of Microsoft's Windows tags, the pod's own selectors.
 *
 * <p>Sources are asked in order and the first that knows wins. Static sources answer with a completed
 * stage; a registry answers later. Implementations never throw and never complete exceptionally for a
 * lookup that simply fails: they answer empty.
 */
@FunctionalInterface
public interface ImagePlatformSource {

    CompletionStage<Optional<ImagePlatforms>> platforms(ImageRef image);

    /**
     * The same, asked on behalf of a pod whose pull credentials the source may use (a registry that wants
     * them). Sources that need no credentials answer as {@link #platforms(ImageRef)}.
     */
    default CompletionStage<Optional<ImagePlatforms>> platforms(ImageRef image, PullContext requester) {
        return platforms(image);
    }

    /**
     * Whether a lookup of this image is still under way, so a later {@link #platforms} may know more
     * than the last one said (a registry answer that outlasted the request budget). Static sources: never.
     */
    default boolean pending(ImageRef image) {
        return false;
    }

    /**
     * Whether a lookup leaves osfit (a registry over the network): such lookups are capped per pod,
     * since the pod's author chooses how many images and hosts there are. Static sources: no.
     */
    default boolean remote() {
        return false;
    }

    /**
     * Why this source last failed to say what the image needs (its kind and the hosts it tried), for
     * people asking why; null when it did not fail or never looked. Static sources: null.
     */
    default String failure(ImageRef image) {
        return null;
    }
}
