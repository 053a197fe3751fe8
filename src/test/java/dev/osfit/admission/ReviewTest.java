package dev.osfit.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osfit.kube.BadRequestException;
import dev.osfit.kube.PodReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class ReviewTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"web","namespace":"shop","labels":{"app":"web"},
               "annotations":{"osfit.dev/hints":"off","note":"x","osfit.dev/platforms":"windows/amd64"}},
             "spec":{"containers":[{"name":"c","image":"mcr.microsoft.com/windows/servercore:ltsc2022",
                 "env":[{"name":"A","value":"b"}],"resources":{"limits":{"cpu":"1"}}}],
               "nodeSelector":{"kubernetes.io/os":"windows"},
               "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
                 {"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}]}},
                 "podAntiAffinity":{"x":1}},
               "schedulingGates":[{"name":"other"}],
               "nodeName":"n1"},
             "status":{"phase":"Pending","conditions":[{"type":"a","x":{"y":[1,2,3]}}]}}""";

    private static byte[] review(String request) {
        return ("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":" + request + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theRequestsFieldsAreReadInAnyOrderWithThePodBeforeItsUid() {
        Review r = Review.read(review("{\"object\":" + POD + ",\"namespace\":\"shop\",\"operation\":\"CREATE\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"subResource\":\"\",\"uid\":\"u-1\",\"name\":\"\"}"));
        assertThat(r.apiVersion()).isEqualTo("admission.k8s.io/v1");
        assertThat(r.uid()).isEqualTo("u-1");
        assertThat(r.operation()).isEqualTo("CREATE");
        assertThat(r.kind()).isEqualTo("Pod");
        assertThat(r.namespace()).isEqualTo("shop");
        assertThat(r.podName()).isEqualTo("web");
    }

    @Test
    void thePodsFactsAreTheSameAsFromItsWholeTree() {
        Review r = Review.read(review("{\"uid\":\"u\",\"object\":" + POD + "}"));
        assertThat(r.facts()).isEqualTo(PodReader.fromTree(JSON.readTree(POD)));
        assertThat(new String(r.body(), r.podStart(), r.podLength(), StandardCharsets.UTF_8)).isEqualTo(POD);
    }

    @Test
    void aPodOsfitCannotReadFailsWithTheSameWordsEitherWay() {
        String pod = "{\"metadata\":{\"annotations\":{\"note\":{\"nested\":1}}}}";
        Review r = Review.read(review("{\"uid\":\"u\",\"object\":" + pod + "}"));
        assertThatThrownBy(r::facts).isInstanceOf(BadRequestException.class)
                .hasMessage(catchMessage(() -> PodReader.fromTree(JSON.readTree(pod))));
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (BadRequestException e) {
            return e.getMessage();
        }
        throw new AssertionError("no BadRequestException");
    }

    @Test
    void thePodsSmallTreeKeepsWhatThePatchIsWrittenAgainstAndNothingElse() {
        Review r = Review.read(review("{\"uid\":\"u\",\"object\":" + POD + "}"));
        assertThat(r.pod()).isEqualTo(JSON.readTree("""
                {"metadata":{"name":"web","annotations":{"osfit.dev/hints":"off"}},
                 "spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
                   {"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}]}},"podAntiAffinity":{"x":1}},
                  "schedulingGates":[{"name":"other"}],"nodeName":"n1"}}"""));
    }

    @Test
    void emptyAnnotationsStayAnObjectAndMissingOnesStayMissing() {
        assertThat(Review.read(review("{\"uid\":\"u\",\"object\":{\"metadata\":{\"annotations\":{}}}}")).pod().path("metadata")
                .path("annotations").isObject()).isTrue();
        assertThat(Review.read(review("{\"uid\":\"u\",\"object\":{\"metadata\":{\"annotations\":null}}}")).pod().path("metadata")
                .has("annotations")).isFalse();
    }

    @Test
    void anObjectThatIsNotAnObjectLeavesNoPod() {
        assertThat(Review.read(review("{\"uid\":\"u\",\"object\":null}")).pod()).isNull();
        assertThat(Review.read(review("{\"uid\":\"u\",\"object\":[1]}")).pod()).isNull();
    }

    @Test
    void wrongTypesReadAsEmptyAndARepeatedFieldKeepsItsLastValue() {
        Review r = Review.read(review("{\"uid\":7,\"operation\":{\"x\":1},\"namespace\":\"a\",\"namespace\":\"b\"}"));
        assertThat(r.uid()).isEmpty();
        assertThat(r.operation()).isEmpty();
        assertThat(r.namespace()).isEqualTo("b");
    }

    @Test
    void somethingOtherThanAnObjectIsAReviewWithNothingInIt() {
        Review r = Review.read("[{\"request\":{\"uid\":\"u\"}}]".getBytes(StandardCharsets.UTF_8));
        assertThat(r.uid()).isEmpty();
        assertThat(r.apiVersion()).isEmpty();
    }

    @Test
    void malformedJsonAndContentAfterTheReviewAreRefused() {
        assertThatThrownBy(() -> Review.read("{\"request\":{\"uid\":".getBytes(StandardCharsets.UTF_8))).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> Review.read("{\"request\":{}} {}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(BadRequestException.class);
    }
}
