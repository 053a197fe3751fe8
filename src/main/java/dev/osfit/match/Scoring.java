package dev.osfit.match;

/**
 * Scores on kube-scheduler's extender scale 0..10 (MaxExtenderPriority); an incompatible node always
 * scores 0. A pod's score on a node is its weakest image's score there.
 *
 * @param exactMatch         image and node agree on everything known: Windows build and revision, or Linux architecture
 * @param sameBuild          same Windows build, revision unknown on one side
 * @param revisionStep       Windows revisions (UBR) of distance that cost {@code revisionPenalty} each, rounded up
 * @param revisionPenalty    the cost of each step
 * @param maxRevisionPenalty the most that revision distance can cost
 * @param olderBuild         the node runs a newer build inside the image's compatibility window
 * @param osOnly             only the OS is known on one side (no build, or an image known only to be Windows)
 * @param unknown            nothing is known: unknown images under policy allow, nodes osfit cannot check
 */
public record Scoring(int exactMatch, int sameBuild, int revisionStep, int revisionPenalty, int maxRevisionPenalty,
                      int olderBuild, int osOnly, int unknown) {

    public static final int MAX = 10;

    public static final Scoring DEFAULTS = new Scoring(10, 9, 100, 1, 3, 6, 5, 5);

    public Scoring {
        requireScore("exactMatch", exactMatch);
        requireScore("sameBuild", sameBuild);
        requireScore("revisionPenalty", revisionPenalty);
        requireScore("maxRevisionPenalty", maxRevisionPenalty);
        requireScore("olderBuild", olderBuild);
        requireScore("osOnly", osOnly);
        requireScore("unknown", unknown);
        if (revisionStep < 1) {
            throw new IllegalArgumentException("revisionStep must be at least 1, was " + revisionStep);
        }
    }

    private static void requireScore(String name, int value) {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException(name + " must be within 0.." + MAX + ", was " + value);
        }
    }

    /** The score for a Windows image of the node's own build, given both revisions (or UNKNOWN). */
    int sameBuild(int nodeRevision, int imageRevision) {
        if (nodeRevision < 0 || imageRevision < 0) {
            return sameBuild;
        }
        long distance = Math.abs((long) nodeRevision - imageRevision);
        long steps = (distance + revisionStep - 1) / revisionStep;
        long penalty = Math.min(maxRevisionPenalty, steps * revisionPenalty);
        return (int) Math.max(0, exactMatch - penalty);
    }
}
