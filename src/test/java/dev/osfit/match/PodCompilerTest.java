package dev.osfit.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.image.ImagePlatformSource;
import dev.osfit.image.ImagePlatforms;
import dev.osfit.image.ImageRef;
import dev.osfit.image.WindowsTagTable;
import dev.osfit.platform.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** What one pod may make osfit look up remotely: its author chooses how many images and hosts there are. */
class PodCompilerTest {

    /** A remote source that knows every image and records what it was asked. */
    static final class CountingRemote implements ImagePlatformSource {
        final Set<String> asked = ConcurrentHashMap.newKeySet();

        @Override
        public CompletionStage<Optional<ImagePlatforms>> platforms(ImageRef image) {
            asked.add(image.original());
            return CompletableFuture.completedFuture(Optional.of(new ImagePlatforms(List.of(Platform.parse("linux/amd64")), "registry")));
        }

        @Override
        public boolean remote() {
            return true;
        }
    }

    static PodFacts pod(List<String> images) {
        List<PodFacts.Container> containers = new ArrayList<>();
        images.forEach(i -> containers.add(PodFacts.Container.of("c" + containers.size(), i)));
        return new PodFacts("default", "p", containers, null, Map.of(), List.of(), false, false, false, false, null);
    }

    @Test
    void aPodNamingAHundredRegistriesMakesOsfitContactOnlyTheFirstFew() {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            images.add("registry-" + i + ".example.com/app:1");
        }
        CountingRemote remote = new CountingRemote();
        PodCompiler compiler = new PodCompiler(List.of(remote, new WindowsTagTable()), UnknownImagePolicy.ALLOW,
                Isolation.ByRuntimeClass.PROCESS_ONLY, new PodCompiler.RemoteLimits(32, 8));
        PodRequirements r = compiler.compile(pod(images)).toCompletableFuture().join();
        assertThat(remote.asked).hasSize(8).allMatch(i -> images.subList(0, 8).contains(i));
        assertThat(r.known()).hasSize(8);
        assertThat(r.unknown()).hasSize(92).allMatch(u -> u.endsWith("(" + String.format(PodCompiler.OVER_LIMIT, 32, 8) + ")"));
    }

    @Test
    void manyImagesOfOneRegistryAreCappedByTheImageLimit() {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            images.add("registry.example.com/app-" + i + ":1");
        }
        images.add("mcr.microsoft.com/windows/servercore:ltsc2022"); // past the limit: the tag table still knows it
        CountingRemote remote = new CountingRemote();
        PodCompiler compiler = new PodCompiler(List.of(remote, new WindowsTagTable()), UnknownImagePolicy.ALLOW,
                Isolation.ByRuntimeClass.PROCESS_ONLY, new PodCompiler.RemoteLimits(32, 8));
        PodRequirements r = compiler.compile(pod(images)).toCompletableFuture().join();
        assertThat(remote.asked).hasSize(32);
        assertThat(r.known()).hasSize(33).anyMatch(n -> n.source().equals("windows-tag"));
        assertThat(r.unknown()).hasSize(18);
    }
}
