package dev.osfit.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osfit.admission.HintPlanner.Block;
import dev.osfit.admission.HintPlanner.Hint;
import dev.osfit.admission.HintPlanner.Plan;
import dev.osfit.admission.HintPlanner.Requirement;
import dev.osfit.admission.HintPlanner.Term;
import dev.osfit.admission.HintPlanner.Unchanged;
import dev.osfit.image.WindowsTagTable;
import dev.osfit.match.Matcher;
import dev.osfit.match.PodCompiler;
import dev.osfit.match.PodFacts;
import dev.osfit.match.Reasons;
import dev.osfit.match.Scoring;
import dev.osfit.match.UnknownImagePolicy;
import dev.osfit.node.NodeLabels;
import dev.osfit.node.NodePlatform;
import dev.osfit.platform.OsVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the planner decides for one pod against one index, case by case, without Spring; reasons are its constants. */
class HintPlannerTest {

    static final String LTSC2019 = "mcr.microsoft.com/windows/servercore:ltsc2019";
    static final String LTSC2022 = "mcr.microsoft.com/windows/servercore:ltsc2022";
    static final String APP = "registry.local/app:1";
    static final String WEB = "registry.local/web:1";
    static final Set<String> CERTAIN = Set.of("registry", "annotation");

    static final NodePlatform LINUX_AMD64 = NodePlatform.of("linux", "amd64", null);
    static final NodePlatform LINUX_ARM64 = NodePlatform.of("linux", "arm64", null);
    static final NodePlatform WIN_17763 = NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.17763.6659"));
    static final NodePlatform WIN_20348 = NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.20348.2966"));
    static final NodePlatform WIN_26100 = NodePlatform.of("windows", "amd64", OsVersion.parse("10.0.26100.2605"));
    static final NodePlatform WIN_UNLABELLED = NodePlatform.of("windows", "amd64", null);

    static final Map<NodePlatform, Integer> CLUSTER = index(LINUX_AMD64, 3, LINUX_ARM64, 1, WIN_17763, 2, WIN_20348, 2, WIN_26100, 1);

    static Term windows(String... builds) {
        return new Term(List.of(Requirement.in(NodeLabels.OS, List.of("windows")), Requirement.in(NodeLabels.ARCH, List.of("amd64")),
                Requirement.in(NodeLabels.WINDOWS_BUILD, List.of(builds))));
    }

    static Term linux(String... arches) {
        return new Term(List.of(Requirement.in(NodeLabels.OS, List.of("linux")), Requirement.in(NodeLabels.ARCH, List.of(arches))));
    }

    static List<Arguments> cases() {
        String conflict = String.format(Reasons.CONFLICT, APP + ": linux/amd64; " + WEB + ": windows(10.0.17763)/amd64");
        return List.of(
                Arguments.of("an annotated ltsc2019 image is hinted to the 17763 nodes",
                        annotated(APP + " windows(10.0.17763)/amd64", APP), CLUSTER,
                        new Hint(List.of(windows("10.0.17763")), "windows/amd64 10.0.17763", 0)),
                Arguments.of("an annotated ltsc2022 image is hinted to the 20348 and the 26100 nodes",
                        annotated(APP + " windows(10.0.20348)/amd64", APP), CLUSTER,
                        new Hint(List.of(windows("10.0.20348", "10.0.26100")), "windows/amd64 10.0.20348|10.0.26100", 0)),
                Arguments.of("a multi-arch Linux image gets one term for both architectures",
                        annotated(APP + " linux/amd64 linux/arm64", APP), CLUSTER,
                        new Hint(List.of(linux("amd64", "arm64")), "linux/amd64|arm64", 0)),
                Arguments.of("an image known only from its Windows tag is not certain", pod(LTSC2019), CLUSTER,
                        new Unchanged(String.format(HintPlanner.NOT_CERTAIN, LTSC2019, "windows-tag"))),
                Arguments.of("an image no source knows leaves the pod unchanged", pod(APP), CLUSTER,
                        new Unchanged(String.format(HintPlanner.UNKNOWN_IMAGES, APP))),
                Arguments.of("annotated images that need conflicting platforms are blocked",
                        annotated(APP + " linux/amd64\n" + WEB + " windows(10.0.17763)/amd64", APP, WEB), CLUSTER, new Block(conflict)),
                Arguments.of("images that conflict only by their tags are left unchanged, not blocked", pod(LTSC2019, LTSC2022), CLUSTER,
                        new Unchanged(String.format(Reasons.CONFLICT, LTSC2019 + ": windows(10.0.17763); " + LTSC2022 + ": windows(10.0.20348)"))),
                Arguments.of("an invalid annotation is blocked", annotated("app amd64/", APP), CLUSTER,
                        new Block(String.format(Reasons.INVALID_ANNOTATION,
                                "entry 1: 'amd64/' is not a platform like linux/amd64 or windows(10.0.17763)/amd64"))),
                Arguments.of("an image no indexed node runs leaves the pod unchanged", annotated(APP + " windows(10.0.26200)/amd64", APP),
                        CLUSTER, new Unchanged(HintPlanner.NO_NODE)),
                Arguments.of("an empty index leaves the pod unchanged", annotated(APP + " linux/amd64", APP), Map.of(),
                        new Unchanged(HintPlanner.INDEX_EMPTY)),
                Arguments.of("nodes without a build label cannot be named by a hint",
                        annotated(APP + " windows(10.0.17763)/amd64", APP), index(WIN_UNLABELLED, 4, LINUX_AMD64, 1),
                        new Unchanged(HintPlanner.UNLABELLED_ONLY)),
                Arguments.of("unlabelled nodes are left out of a hint and counted",
                        annotated(APP + " windows/amd64", APP), index(WIN_UNLABELLED, 4, WIN_17763, 1),
                        new Hint(List.of(windows("10.0.17763")), "windows/amd64 10.0.17763", 4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plan(String name, PodFacts pod, Map<NodePlatform, Integer> index, Plan expected) {
        PodCompiler compiler = new PodCompiler(List.of(new WindowsTagTable()), UnknownImagePolicy.ALLOW);
        Matcher matcher = new Matcher(compiler.compile(pod).toCompletableFuture().join(), Scoring.DEFAULTS);
        assertThat(HintPlanner.plan(matcher, index, CERTAIN)).isEqualTo(expected);
    }

    static Map<NodePlatform, Integer> index(Object... platformsAndCounts) {
        Map<NodePlatform, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < platformsAndCounts.length; i += 2) {
            out.put((NodePlatform) platformsAndCounts[i], (Integer) platformsAndCounts[i + 1]);
        }
        return out;
    }

    static PodFacts pod(String... images) {
        return annotated(null, images);
    }

    static PodFacts annotated(String annotation, String... images) {
        List<PodFacts.Container> containers = new ArrayList<>();
        for (String image : images) {
            containers.add(PodFacts.Container.of("c" + containers.size(), image));
        }
        return new PodFacts("default", "p", containers, null, Map.of(), List.of(), false, false, false, false, annotation);
    }
}
