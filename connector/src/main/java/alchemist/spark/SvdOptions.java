package alchemist.spark;

import java.io.Serializable;

/**
 * How {@link AlchemistSVD} computes: allib's {@code truncated_svd} (the default, singular values to about 1e-9
 * relative) or {@code randomized_svd} (an approximation with an error bound, fewer passes over the matrix).
 * <pre>{@code
 * AlchemistSVD.computeSVD(matrix, 20, true, SvdOptions.randomized(10, 2, 7L));
 * }</pre>
 */
public final class SvdOptions implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final SvdOptions TRUNCATED = new SvdOptions(false, 0, 0, 0);

    private final boolean randomized;
    private final int oversampling;
    private final int powerIterations;
    private final long seed;

    private SvdOptions(boolean randomized, int oversampling, int powerIterations, long seed) {
        this.randomized = randomized;
        this.oversampling = oversampling;
        this.powerIterations = powerIterations;
        this.seed = seed;
    }

    /** @return allib's {@code truncated_svd}: what {@link AlchemistSVD} does without options */
    public static SvdOptions truncated() {
        return TRUNCATED;
    }

    /**
     * @param oversampling    extra samples beyond k (≥ 0; k + oversampling is capped at min(m, n))
     * @param powerIterations passes of subspace iteration, 0 to 50 (2 is allib's default)
     * @param seed            drives the random test matrices; the same seed and workers give the same bits
     * @return allib's {@code randomized_svd} with these parameters (the server checks them: ERROR 11)
     */
    public static SvdOptions randomized(int oversampling, int powerIterations, long seed) {
        return new SvdOptions(true, oversampling, powerIterations, seed);
    }

    /** @return randomized with allib's defaults: oversampling 10, 2 power iterations, seed 0 */
    public static SvdOptions randomized() {
        return randomized(10, 2, 0L);
    }

    public boolean isRandomized() {
        return randomized;
    }

    /** @return the allib task these options run */
    public String task() {
        return randomized ? "randomized_svd" : "truncated_svd";
    }

    /** @return the task's arguments: the matrix, k and, when randomized, the parameters */
    Object[] arguments(AlMatrix a, int k) {
        return randomized ? new Object[] {a, k, oversampling, powerIterations, seed} : new Object[] {a, k};
    }

    @Override
    public String toString() {
        return randomized ? "randomized_svd(oversampling = " + oversampling + ", power_iterations = " + powerIterations
                + ", seed = " + seed + ")" : "truncated_svd";
    }
}
