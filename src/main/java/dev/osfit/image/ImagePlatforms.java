package dev.osfit.image;

import dev.osfit.platform.Platform;
import java.util.List;

/**
 * The platforms an image is published for (one per entry of its index), and which source said so.
 */
public record ImagePlatforms(List<Platform> platforms, String source) {

    public ImagePlatforms {
        platforms = List.copyOf(platforms);
        if (platforms.isEmpty()) {
            throw new IllegalArgumentException("an image has at least one platform");
        }
    }
}
