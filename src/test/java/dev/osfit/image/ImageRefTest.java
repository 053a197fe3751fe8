package dev.osfit.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRefTest {

    @ParameterizedTest(name = "{0} normalises to {1}")
    @CsvSource({
            "nginx, docker.io/library/nginx:latest",
            "nginx:1.27, docker.io/library/nginx:1.27",
            "library/nginx:1.27, docker.io/library/nginx:1.27",
            "bitnami/redis:7, docker.io/bitnami/redis:7",
            "docker.io/nginx, docker.io/library/nginx:latest",
            "index.docker.io/library/nginx:1, docker.io/library/nginx:1",
            "mcr.microsoft.com/windows/servercore:ltsc2019, mcr.microsoft.com/windows/servercore:ltsc2019",
            "localhost/app, localhost/app:latest",
            "localhost:5000/team/app:v1, localhost:5000/team/app:v1",
            "registry.local:5000/a/b/c:1.0-rc.1, registry.local:5000/a/b/c:1.0-rc.1",
            "[::1]:5000/app:1, [::1]:5000/app:1",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, docker.io/library/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, docker.io/library/nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    })
    void normalises(String image, String normalized) {
        ImageRef.Parsed parsed = ImageRef.parse(image);
        assertThat(parsed).isInstanceOf(ImageRef.Valid.class);
        assertThat(((ImageRef.Valid) parsed).ref().normalized()).isEqualTo(normalized);
    }

    @ParameterizedTest(name = "''{0}'' is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "'' | empty image reference",
            "NGINX | invalid repository name",
            "nginx:bad tag | invalid tag",
            "nginx:-x | invalid tag",
            "nginx@sha256:abc | invalid digest",
            "registry.local/ | missing repository name",
            "a//b | invalid repository name",
            "bad_host!/app | invalid repository name",
    })
    void refuses(String image, String reason) {
        ImageRef.Parsed parsed = ImageRef.parse(image);
        assertThat(parsed).isInstanceOf(ImageRef.Invalid.class);
        assertThat(((ImageRef.Invalid) parsed).reason()).startsWith(reason);
    }

    @Test
    void aReferenceLongerThanAnyValidOneIsInvalidWithoutBeingParsed() {
        String image = "registry.example.com/" + "a".repeat(2000) + ":1";
        ImageRef.Parsed parsed = ImageRef.parse(image);
        assertThat(parsed).isInstanceOf(ImageRef.Invalid.class);
        assertThat(((ImageRef.Invalid) parsed).reason()).isEqualTo("image reference longer than 1024 characters");
        assertThat(((ImageRef.Invalid) parsed).image()).hasSize(67);
    }
}
