package dev.osfit.match;

import static dev.osfit.match.Verdict.Outcome.FAIL;
import static dev.osfit.match.Verdict.Outcome.PASS;
import static dev.osfit.match.Verdict.Outcome.UNRESOLVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.image.WindowsTagTable;
import dev.osfit.node.NodePlatform;
import dev.osfit.platform.OsVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the matcher says about one pod on one node, case by case; expectations follow the rules, reasons the constants. */
class MatcherTest {

    static final String LTSC2019 = "mcr.microsoft.com/windows/servercore:ltsc2019";
    static final String LTSC2022 = "mcr.microsoft.com/windows/servercore:ltsc2022";
    static final String LTSC2025 = "mcr.microsoft.com/windows/servercore:ltsc2025";
    static final String NANO_1809_REV = "mcr.microsoft.com/windows/nanoserver:10.0.17763.6659";
    static final String NANO_1809_OLDER_REV = "mcr.microsoft.com/windows/nanoserver:10.0.17763.6409";
    static final String NGINX = "nginx:1.27";
    static final String APP = "registry.local/app:1.0";

    static final NodePlatform LINUX_AMD64 = NodePlatform.of("linux", "amd64", null);
    static final NodePlatform LINUX_ARM64 = NodePlatform.of("linux", "arm64", null);
    static final NodePlatform LINUX_ARM = NodePlatform.of("linux", "arm", null);
    static final NodePlatform WIN_17763 = windows("10.0.17763.6659");
    static final NodePlatform WIN_20348 = windows("10.0.20348.2966");
    static final NodePlatform WIN_22621 = windows("10.0.22621.4602");
    static final NodePlatform WIN_26100 = windows("10.0.26100.2605");
    static final NodePlatform WIN_26200 = windows("10.0.26200.7000");
    static final NodePlatform WIN_NO_BUILD = NodePlatform.of("windows", "amd64", null);

    static final Scoring S = Scoring.DEFAULTS;

    static Arguments c(String name, PodFacts pod, NodePlatform node, Verdict.Outcome outcome, String reason, int score) {
        return Arguments.of(name, pod, node, outcome, reason, score);
    }

    static List<Arguments> cases() {
        String annotatedLinux = NGINX + " linux/amd64 linux/arm64/v8";
        return List.of(
                c("an ltsc2019 image runs on a 17763 node", pod(LTSC2019), WIN_17763, PASS, null, S.sameBuild()),
                c("an ltsc2019 image is kept off a 20348 node", pod(LTSC2019), WIN_20348, UNRESOLVABLE,
                        String.format(Reasons.BUILD_MISMATCH, "10.0.20348", LTSC2019, "10.0.17763"), 0),
                c("an ltsc2019 image is kept off a 26100 node", pod(LTSC2019), WIN_26100, UNRESOLVABLE,
                        String.format(Reasons.BUILD_MISMATCH, "10.0.26100", LTSC2019, "10.0.17763"), 0),
                c("an ltsc2022 image runs on a 22621 node as an older build", pod(LTSC2022), WIN_22621, PASS, null, S.olderBuild()),
                c("an ltsc2022 image runs on a 26100 node as an older build", pod(LTSC2022), WIN_26100, PASS, null, S.olderBuild()),
                c("an ltsc2022 image is kept off a node above 26100", pod(LTSC2022), WIN_26200, UNRESOLVABLE,
                        String.format(Reasons.BUILD_MISMATCH, "10.0.26200", LTSC2022, "10.0.20348"), 0),
                c("an ltsc2025 image runs on a node above 26100 as an older build", pod(LTSC2025), WIN_26200, PASS, null,
                        S.olderBuild()),
                c("an ltsc2025 image is kept off a 20348 node", pod(LTSC2025), WIN_20348, UNRESOLVABLE,
                        String.format(Reasons.BUILD_MISMATCH, "10.0.20348", LTSC2025, "10.0.26100"), 0),
                c("an index entry without os.version runs on any Windows build, as containerd matches it",
                        annotated(APP + " windows/amd64", APP), WIN_17763, PASS, null, S.osOnly()),
                c("an index entry without os.version runs on a node above 26100 too",
                        annotated(APP + " windows/amd64", APP), WIN_26200, PASS, null, S.osOnly()),
                c("an ltsc2025 image runs on a 26100 node", pod(LTSC2025), WIN_26100, PASS, null, S.sameBuild()),
                c("an image of the node's exact revision scores best", pod(NANO_1809_REV), WIN_17763, PASS, null, S.exactMatch()),
                c("an image 250 revisions behind the node loses three steps", pod(NANO_1809_OLDER_REV), WIN_17763, PASS, null,
                        S.exactMatch() - 3),
                c("a Windows image is kept off a Linux node", pod(LTSC2019), LINUX_AMD64, UNRESOLVABLE,
                        String.format(Reasons.PLATFORM_MISMATCH, "linux", LTSC2019, "windows"), 0),
                c("a Windows node without a build label runs a Windows image, unchecked build", pod(LTSC2019), WIN_NO_BUILD,
                        PASS, null, S.osOnly()),
                c("a multi-arch Linux image runs on amd64", annotated(annotatedLinux, NGINX), LINUX_AMD64, PASS, null, S.exactMatch()),
                c("a multi-arch Linux image runs on arm64", annotated(annotatedLinux, NGINX), LINUX_ARM64, PASS, null, S.exactMatch()),
                c("a Linux image is kept off a Windows node", annotated(annotatedLinux, NGINX), WIN_20348, UNRESOLVABLE,
                        String.format(Reasons.PLATFORM_MISMATCH, "windows", NGINX, "linux"), 0),
                c("an amd64-only image is kept off an arm64 node", annotated(APP + " linux/amd64", APP), LINUX_ARM64, UNRESOLVABLE,
                        String.format(Reasons.PLATFORM_MISMATCH, "linux/arm64", APP, "linux/amd64"), 0),
                c("an arm/v7 image runs on an arm node", annotated(APP + " linux/arm/v7", APP), LINUX_ARM, PASS, null, S.exactMatch()),
                c("an arm/v7 image is kept off an arm64 node", annotated(APP + " linux/arm/v7", APP), LINUX_ARM64, UNRESOLVABLE,
                        String.format(Reasons.PLATFORM_MISMATCH, "linux/arm64", APP, "linux/arm/v7"), 0),
                c("an arm/v7 image is kept off an amd64 node", annotated(APP + " linux/arm/v7", APP), LINUX_AMD64, UNRESOLVABLE,
                        String.format(Reasons.PLATFORM_MISMATCH, "linux/amd64", APP, "linux/arm/v7"), 0),
                c("a pod is as good as its weakest image", pod(NANO_1809_REV, LTSC2019), WIN_17763, PASS, null, S.sameBuild()),
                c("an unknown image passes with the neutral score under policy allow", pod(APP), LINUX_AMD64, PASS, null, S.unknown()),
                c("an unknown image fails every node under policy deny", pod(APP), LINUX_AMD64, FAIL,
                        String.format(Reasons.UNKNOWN_DENIED, APP), 0),
                c("a node osfit knows nothing about passes with the neutral score", pod(LTSC2019), null, PASS, null, S.unknown()),
                c("a node without an os passes with the neutral score", pod(LTSC2019), NodePlatform.of(null, null, null), PASS,
                        null, S.unknown()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdict(String name, PodFacts pod, NodePlatform node, Verdict.Outcome outcome, String reason, int score) {
        UnknownImagePolicy policy = name.contains("policy deny") ? UnknownImagePolicy.DENY : UnknownImagePolicy.ALLOW;
        Verdict v = matcher(pod, policy).verdict(node);
        assertThat(v).satisfies(is(outcome, reason, score));
    }

    @Test
    void aWindowsImageAndALinuxImageInOnePodConflictOnEveryNode() {
        PodFacts pod = annotated(NGINX + " linux/amd64", LTSC2019, NGINX);
        String reason = String.format(Reasons.CONFLICT, LTSC2019 + ": windows(10.0.17763); " + NGINX + ": linux/amd64");
        for (NodePlatform node : List.of(LINUX_AMD64, WIN_17763, WIN_20348)) {
            assertThat(matcher(pod, UnknownImagePolicy.ALLOW).verdict(node)).satisfies(is(UNRESOLVABLE, reason, 0));
        }
    }

    @Test
    void ltsc2019AndLtsc2022ImagesConflictNoHostRunsBoth() {
        PodFacts pod = pod(LTSC2019, LTSC2022);
        String reason = String.format(Reasons.CONFLICT, LTSC2019 + ": windows(10.0.17763); " + LTSC2022 + ": windows(10.0.20348)");
        assertThat(matcher(pod, UnknownImagePolicy.ALLOW).verdict(WIN_17763)).satisfies(is(UNRESOLVABLE, reason, 0));
    }

    @Test
    void ltsc2022AndA25398ImageDoNotConflictA25398HostRunsBoth() {
        PodFacts pod = annotated(APP + " windows(10.0.25398)/amd64", LTSC2022, APP);
        Matcher m = matcher(pod, UnknownImagePolicy.ALLOW);
        assertThat(m.requirements().unresolvableReason()).isNull();
        assertThat(m.verdict(windows("10.0.25398.1")).outcome()).isEqualTo(PASS);
        assertThat(m.verdict(WIN_20348).outcome()).isEqualTo(UNRESOLVABLE);
    }

    @Test
    void imagesOfDisjointArchitecturesConflict() {
        PodFacts pod = annotated(APP + " linux/amd64\n" + NGINX + " linux/arm64", APP, NGINX);
        assertThat(matcher(pod, UnknownImagePolicy.ALLOW).verdict(LINUX_AMD64).reason())
                .isEqualTo(String.format(Reasons.CONFLICT, APP + ": linux/amd64; " + NGINX + ": linux/arm64"));
    }

    @Test
    void specOsNameThatDisagreesWithTheImagesIsAConflict() {
        PodFacts pod = with(pod(LTSC2019), "linux", Map.of(), List.of());
        assertThat(matcher(pod, UnknownImagePolicy.ALLOW).verdict(LINUX_AMD64))
                .satisfies(is(UNRESOLVABLE, String.format(Reasons.CONFLICT, "spec.os.name: linux; " + LTSC2019 + ": windows(10.0.17763)"), 0));
    }

    @Test
    void anInvalidAnnotationMakesEveryNodeUnresolvable() {
        PodFacts pod = annotated("nginx amd64/", NGINX);
        assertThat(matcher(pod, UnknownImagePolicy.ALLOW).verdict(LINUX_AMD64)).satisfies(is(UNRESOLVABLE,
                String.format(Reasons.INVALID_ANNOTATION, "entry 1: 'amd64/' is not a platform like linux/amd64 or windows(10.0.17763)/amd64"), 0));
    }

    @Test
    void podThatNeedsWhatWindowsCannotGiveIsKeptOffWindowsNodesNamingTheFeatures() {
        PodFacts base = pod(APP);
        PodFacts pod = new PodFacts("default", "p", List.of(new PodFacts.Container("c", APP, false, true, false, true, false)),
                null, Map.of(), List.of(), true, false, true, false, null);
        Matcher m = matcher(pod, UnknownImagePolicy.ALLOW);
        assertThat(m.verdict(WIN_20348)).satisfies(is(UNRESOLVABLE,
                String.format(Reasons.WINDOWS_UNSUPPORTED, "privileged containers, hugepages, memory-backed emptyDir, hostPID"), 0));
        assertThat(m.verdict(LINUX_AMD64).outcome()).isEqualTo(PASS);
        assertThat(matcher(base, UnknownImagePolicy.ALLOW).verdict(WIN_20348).outcome()).isEqualTo(PASS);
    }

    @Test
    void hostProcessPodRunsOnAnyWindowsBuildAndIsKeptOffLinux() {
        PodFacts pod = new PodFacts("kube-system", "csi-proxy",
                List.of(new PodFacts.Container("c", LTSC2019, false, true, true, false, false)),
                null, Map.of(), List.of(), false, false, false, false, null);
        Matcher m = matcher(pod, UnknownImagePolicy.ALLOW);
        assertThat(m.verdict(WIN_26100)).satisfies(is(PASS, null, S.exactMatch()));
        assertThat(m.verdict(WIN_17763).outcome()).isEqualTo(PASS);
        assertThat(m.verdict(LINUX_AMD64)).satisfies(is(UNRESOLVABLE, String.format(Reasons.HOST_PROCESS_NEEDS_WINDOWS, "linux"), 0));
    }

    @Test
    void theNodeSelectorSpeaksForAnImageNoSourceKnows() {
        PodFacts pod = with(pod(APP), null, Map.of("kubernetes.io/os", "windows", "node.kubernetes.io/windows-build", "10.0.20348"), List.of());
        Matcher m = matcher(pod, UnknownImagePolicy.DENY);
        assertThat(m.requirements().known()).singleElement().extracting(PodRequirements.ImageNeed::source)
                .isEqualTo(SelectorPlatforms.SOURCE);
        assertThat(m.verdict(WIN_20348).outcome()).isEqualTo(PASS);
        assertThat(m.verdict(WIN_17763)).satisfies(is(UNRESOLVABLE,
                String.format(Reasons.BUILD_MISMATCH, "10.0.17763", APP, "10.0.20348"), 0));
    }

    @Test
    void requiredAffinityTermsAreOredIntoPlatforms() {
        List<List<PodFacts.Requirement>> terms = List.of(
                List.of(new PodFacts.Requirement("kubernetes.io/os", "In", List.of("linux")),
                        new PodFacts.Requirement("kubernetes.io/arch", "In", List.of("amd64", "arm64"))),
                List.of(new PodFacts.Requirement("node.kubernetes.io/windows-build", "In", List.of("10.0.17763"))));
        Matcher m = matcher(with(pod(APP), null, Map.of(), terms), UnknownImagePolicy.DENY);
        assertThat(m.verdict(LINUX_ARM64).outcome()).isEqualTo(PASS);
        assertThat(m.verdict(WIN_17763).outcome()).isEqualTo(PASS);
        assertThat(m.verdict(WIN_20348).outcome()).isEqualTo(UNRESOLVABLE);
    }

    @Test
    void aTermThatSaysNothingAboutThePlatformLeavesTheImageUnknown() {
        List<List<PodFacts.Requirement>> terms = List.of(
                List.of(new PodFacts.Requirement("kubernetes.io/os", "In", List.of("linux"))),
                List.of(new PodFacts.Requirement("topology.kubernetes.io/zone", "In", List.of("zone-1"))));
        Matcher m = matcher(with(pod(APP), null, Map.of(), terms), UnknownImagePolicy.ALLOW);
        assertThat(m.requirements().unknown()).containsExactly(APP);
    }

    @Test
    void specOsNameAloneKeepsAnUnknownImageOffTheOtherOs() {
        Matcher m = matcher(with(pod(APP), "windows", Map.of(), List.of()), UnknownImagePolicy.ALLOW);
        assertThat(m.verdict(LINUX_AMD64)).satisfies(is(UNRESOLVABLE, String.format(Reasons.PLATFORM_MISMATCH, "linux", APP, "windows"), 0));
        assertThat(m.verdict(WIN_20348)).satisfies(is(PASS, null, S.osOnly()));
    }

    @Test
    void theAnnotationWinsOverTheWindowsTagTable() {
        PodFacts pod = annotated(LTSC2019 + " windows(10.0.20348)/amd64", LTSC2019);
        Matcher m = matcher(pod, UnknownImagePolicy.ALLOW);
        assertThat(m.verdict(WIN_20348).outcome()).isEqualTo(PASS);
        assertThat(m.verdict(WIN_17763).outcome()).isEqualTo(UNRESOLVABLE);
    }

    @Test
    void anInvalidImageReferenceIsAnUnknownImageWithItsReason() {
        Matcher m = matcher(pod("Not/An:Image:"), UnknownImagePolicy.DENY);
        assertThat(m.verdict(LINUX_AMD64).outcome()).isEqualTo(FAIL);
        assertThat(m.verdict(LINUX_AMD64).reason()).startsWith(String.format(Reasons.UNKNOWN_DENIED, "Not/An:Image: (invalid").replace("}", ""));
    }

    @Test
    void verdictsAreMemoisedPerPlatform() {
        Matcher m = matcher(pod(LTSC2019), UnknownImagePolicy.ALLOW);
        assertThat(m.verdict(WIN_20348)).isSameAs(m.verdict(windows("10.0.20348.2966")));
    }

    @Test
    void revisionDistanceNeverCostsMoreThanTheCap() {
        assertThat(S.sameBuild(6659, 1)).isEqualTo(S.exactMatch() - S.maxRevisionPenalty());
        assertThat(S.sameBuild(6659, 6659)).isEqualTo(S.exactMatch());
        assertThat(S.sameBuild(6659, 6600)).isEqualTo(S.exactMatch() - 1);
        assertThat(S.sameBuild(OsVersion.UNKNOWN, 6600)).isEqualTo(S.sameBuild());
    }

    static NodePlatform windows(String version) {
        return NodePlatform.of("windows", "amd64", OsVersion.parse(version));
    }

    static PodFacts pod(String... images) {
        return annotated(null, images);
    }

    static PodFacts annotated(String annotation, String... images) {
        List<PodFacts.Container> containers = new ArrayList<>();
        Arrays.stream(images).forEach(i -> containers.add(PodFacts.Container.of("c" + containers.size(), i)));
        return new PodFacts("default", "p", containers, null, Map.of(), List.of(), false, false, false, false, annotation);
    }

    static PodFacts with(PodFacts p, String osName, Map<String, String> selector, List<List<PodFacts.Requirement>> terms) {
        return new PodFacts(p.namespace(), p.name(), p.containers(), osName, selector, terms, p.hostPID(), p.hostIPC(),
                p.memoryEmptyDir(), p.podHostProcess(), p.platformAnnotation());
    }

    /** The outcome, reason and score; the kind is checked by {@link #eachReasonCarriesItsKind}. */
    static java.util.function.Consumer<Verdict> is(Verdict.Outcome outcome, String reason, int score) {
        return v -> assertThat(new Object[] {v.outcome(), v.reason(), v.score()}).containsExactly(outcome, reason, score);
    }

    static List<Arguments> kinds() {
        return List.of(
                Arguments.of("a build mismatch", pod(LTSC2019), WIN_20348, Verdict.Kind.BUILD_MISMATCH),
                Arguments.of("a build mismatch under Hyper-V", runtimeClass(pod(LTSC2025), HYPERV), WIN_20348, Verdict.Kind.BUILD_MISMATCH),
                Arguments.of("an os mismatch", pod(LTSC2019), LINUX_AMD64, Verdict.Kind.PLATFORM_MISMATCH),
                Arguments.of("an architecture mismatch", annotated(APP + " linux/amd64", APP), LINUX_ARM64, Verdict.Kind.PLATFORM_MISMATCH),
                Arguments.of("a conflict", pod(LTSC2019, LTSC2022), WIN_17763, Verdict.Kind.CONFLICT),
                Arguments.of("an invalid annotation", annotated("nginx amd64/", NGINX), LINUX_AMD64, Verdict.Kind.INVALID_ANNOTATION),
                Arguments.of("a node not yet indexed", pod(LTSC2019), NodePlatform.NOT_INDEXED, Verdict.Kind.NOT_INDEXED),
                Arguments.of("a pass", pod(LTSC2019), WIN_17763, Verdict.Kind.NONE));
    }

    @ParameterizedTest(name = "{0} carries kind {3}")
    @MethodSource("kinds")
    void eachReasonCarriesItsKind(String name, PodFacts pod, NodePlatform node, Verdict.Kind kind) {
        assertThat(matcher(pod, UnknownImagePolicy.ALLOW).verdict(node).kind()).isEqualTo(kind);
    }

    static Matcher matcher(PodFacts pod, UnknownImagePolicy policy) {
        PodCompiler compiler = new PodCompiler(List.of(new WindowsTagTable()), policy,
                name -> HYPERV.equals(name) ? Isolation.HYPER_V : Isolation.PROCESS, PodCompiler.RemoteLimits.DEFAULTS);
        return new Matcher(compiler.compile(pod).toCompletableFuture().join(), S);
    }

    /** The RuntimeClass these tests treat as Hyper-V isolation. */
    static final String HYPERV = "windows-hyperv";

    static PodFacts runtimeClass(PodFacts p, String runtimeClassName) {
        return new PodFacts(p.namespace(), p.name(), p.containers(), p.osName(), p.nodeSelector(), p.requiredTerms(), p.hostPID(),
                p.hostIPC(), p.memoryEmptyDir(), p.podHostProcess(), p.platformAnnotation(), runtimeClassName);
    }

    static List<Arguments> isolationCases() {
        return List.of(
                c("under Hyper-V isolation an ltsc2019 image runs on a 20348 node as an older build", runtimeClass(pod(LTSC2019), HYPERV),
                        WIN_20348, PASS, null, S.olderBuild()),
                c("under Hyper-V isolation an ltsc2019 image runs on a 26100 node", runtimeClass(pod(LTSC2019), HYPERV), WIN_26100, PASS, null,
                        S.olderBuild()),
                c("under Hyper-V isolation an ltsc2025 image is kept off a 20348 node, saying which isolation decided",
                        runtimeClass(pod(LTSC2025), HYPERV), WIN_20348, UNRESOLVABLE,
                        String.format(Reasons.BUILD_MISMATCH_HYPERV, "10.0.20348", LTSC2025, "10.0.26100"), 0),
                c("a RuntimeClass that is not Hyper-V keeps process isolation", runtimeClass(pod(LTSC2019), "runc-windows"), WIN_20348,
                        UNRESOLVABLE, String.format(Reasons.BUILD_MISMATCH, "10.0.20348", LTSC2019, "10.0.17763"), 0),
                c("under Hyper-V isolation a Linux image is still kept off a Windows node",
                        runtimeClass(annotated(NGINX + " linux/amd64", NGINX), HYPERV), WIN_20348, UNRESOLVABLE,
                        String.format(Reasons.PLATFORM_MISMATCH, "windows", NGINX, "linux"), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("isolationCases")
    void isolation(String name, PodFacts pod, NodePlatform node, Verdict.Outcome outcome, String reason, int score) {
        assertThat(matcher(pod, UnknownImagePolicy.ALLOW).verdict(node)).satisfies(is(outcome, reason, score));
    }

    @Test
    void ltsc2019AndLtsc2022ImagesDoNotConflictUnderHyperVA20348HostRunsBoth() {
        Matcher m = matcher(runtimeClass(pod(LTSC2019, LTSC2022), HYPERV), UnknownImagePolicy.ALLOW);
        assertThat(m.requirements().unresolvableReason()).isNull();
        assertThat(m.verdict(WIN_20348).outcome()).isEqualTo(PASS);
        assertThat(m.verdict(WIN_17763).outcome()).isEqualTo(UNRESOLVABLE);
    }
}
