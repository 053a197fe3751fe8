package dev.osfit.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.platform.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformAnnotationTest {

    private static final String VALUE = """
            registry.local/app:1.4 windows(10.0.17763)/amd64 windows(10.0.20348)/amd64
            nginx linux/amd64 linux/arm64/v8
            * linux/amd64
            """;

    @Test
    void entriesAreMatchedByNormalisedReference() {
        PlatformAnnotation a = valid(VALUE);
        assertThat(a.lookup(ref("docker.io/library/nginx:latest")).orElseThrow().platforms())
                .containsExactly(Platform.parse("linux/amd64"), Platform.parse("linux/arm64/v8"));
        assertThat(a.lookup(ref("registry.local/app:1.4")).orElseThrow().platforms()).hasSize(2);
    }

    @Test
    void theWildcardCoversImagesWithoutAnEntry() {
        assertThat(valid(VALUE).lookup(ref("busybox")).orElseThrow().platforms()).containsExactly(Platform.parse("linux/amd64"));
    }

    @Test
    void withoutWildcardOtherImagesAreNotKnown() {
        assertThat(valid("nginx linux/amd64").lookup(ref("busybox"))).isEmpty();
    }

    @Test
    void entriesMayBeSeparatedBySemicolons() {
        PlatformAnnotation a = valid("nginx linux/amd64; busybox linux/arm64");
        assertThat(a.lookup(ref("busybox")).orElseThrow().platforms()).containsExactly(Platform.parse("linux/arm64"));
    }

    @ParameterizedTest(name = "''{0}'' is invalid: {1}")
    @CsvSource(delimiter = '|', value = {
            "'' | no entries",
            "nginx | entry 1 'nginx' needs an image and at least one platform",
            "nginx linux/amd64;busybox amd64/ | entry 2: 'amd64/' is not a platform",
            "NGINX linux/amd64 | entry 1: invalid repository name",
    })
    void invalid(String value, String problem) {
        PlatformAnnotation.Parsed parsed = PlatformAnnotation.parse(value);
        assertThat(parsed).isInstanceOf(PlatformAnnotation.Invalid.class);
        assertThat(((PlatformAnnotation.Invalid) parsed).problem()).startsWith(problem);
    }

    private static PlatformAnnotation valid(String value) {
        return ((PlatformAnnotation.Valid) PlatformAnnotation.parse(value)).annotation();
    }

    private static ImageRef ref(String image) {
        return ((ImageRef.Valid) ImageRef.parse(image)).ref();
    }

    @Test
    void anAnnotationLongerThan16KiBIsInvalid() {
        String value = "* linux/amd64\n".repeat(2000);
        PlatformAnnotation.Parsed parsed = PlatformAnnotation.parse(value);
        assertThat(parsed).isEqualTo(new PlatformAnnotation.Invalid("longer than 16384 characters"));
    }
}
