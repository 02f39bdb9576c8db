package alchemist.allib;

import alchemist.task.ArgType;
import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;

/**
 * {@code randomized_svd(A, k, oversampling = 10, power_iterations = 2, seed = 0) -> (U, S, V,
 * error_estimate)}: an approximate rank-k SVD of an m × n matrix A by random sampling, for when the top
 * singular values need not be exact and A is large. Outputs as {@code truncated_svd}'s: U (m × k, laid out
 * in rows like A) and V (n × k, not transposed) with orthonormal columns, S (k × 1, descending) and
 * A·V = U·diag(S) for A restricted to the sampled subspace; U·diag(S)·Vᵀ is the best rank-k approximation
 * of A within that subspace.
 *
 * <p>The algorithm (Halko–Martinsson–Tropp, with l = min(k + oversampling, min(m, n)) samples and q =
 * power_iterations re-orthonormalized power iterations) and its costs are in {@link RandomizedSvd}: per
 * pass over A 2·m·n·l/p flops per rank, 2q + 2 passes. The σᵢ are Ritz values, so never above the true
 * ones; their relative error shrinks like (σₗ₊₁/σᵢ)^(4q + 2), so on a decaying spectrum a couple of power
 * iterations give the top ones to many digits, while on a flat spectrum they stay low by a few percent.
 *
 * <p>{@code error_estimate} (DOUBLE) bounds the spectral norm ‖A − U·diag(S)·Vᵀ‖₂ of the rank-k result
 * returned, truncation included, from above with probability at least 1 − 1e-10 over 10 more Gaussian test
 * vectors (seeded from {@code seed}, independent of Ω): see {@link ResidualNormBound}. It is never below
 * σₖ₊₁ (Eckart–Young) when the bound holds, and it is about 8·‖E‖_F/‖E‖₂ times the true error E, up to
 * twice that: tighter for a fast-decaying tail than for a flat one (measured on 400 × 80, k = 10: 20× and
 * 56×). One more pass over A (r = 10 columns).
 *
 * <p>The test matrix depends on the seed and the global row and column indices only, so a seed gives the
 * same bits on the same number of workers and the same result up to rounding on any other.
 *
 * @throws IllegalArgumentException (ERROR 11) if k is not in [1, min(m, n)], oversampling is negative,
 *                                  power_iterations is not in [0, {@value #MAX_POWER_ITERATIONS}], or
 *                                  (n + l + 1)·l values do not fit one array
 */
final class RandomizedSvdTask implements Task {
    static final int DEFAULT_OVERSAMPLING = 10;
    static final int DEFAULT_POWER_ITERATIONS = 2;
    /** More passes than this gain nothing a Krylov method (truncated_svd) would not give faster. */
    static final int MAX_POWER_ITERATIONS = 50;

    @Override
    public String name() {
        return "randomized_svd";
    }

    @Override
    public Signature signature() {
        return Signature.builder().matrix("A").intArg("k")
                .optional("oversampling", ArgType.INT, DEFAULT_OVERSAMPLING)
                .optional("power_iterations", ArgType.INT, DEFAULT_POWER_ITERATIONS)
                .optional("seed", ArgType.LONG, 0L)
                .outputMatrix("U").outputMatrix("S").outputMatrix("V").output("error_estimate", ArgType.DOUBLE)
                .build();
    }

    @Override
    public void run(TaskContext ctx) {
        RowBlock a = ctx.matrix("A");
        long m = a.numRows();
        int n = a.numCols();
        int k = ctx.intArg("k");
        int q = ctx.intArg("power_iterations");
        int l = samples(m, n, k, ctx.intArg("oversampling"), q);
        long seed = ctx.longArg("seed");
        WorkerRows local = WorkerRows.of(a, ctx.parallel());
        RandomizedSvd.Result r = RandomizedSvd.compute(ctx.comm(), local, k, l, q, seed);
        double estimate = ResidualNormBound.estimate(ctx.comm(), local, r.u(), r.sigma(), r.v(), seed);

        SvdOutputs.put(ctx, a, r.u(), r.sigma(), r.v());
        ctx.putScalar("error_estimate", estimate);
    }

    /**
     * Checks the arguments.
     *
     * @return l = k + oversampling, capped at min(m, n)
     */
    static int samples(long m, int n, int k, int oversampling, int powerIterations) {
        long most = Math.min(m, n);
        if (k < 1 || k > most) {
            throw new IllegalArgumentException("randomized_svd: k = " + k + " is not in [1, min(m, n)] = [1, " + most
                    + "] for a " + m + " x " + n + " matrix");
        }
        if (oversampling < 0) {
            throw new IllegalArgumentException("randomized_svd: oversampling = " + oversampling + " must be >= 0");
        }
        if (powerIterations < 0 || powerIterations > MAX_POWER_ITERATIONS) {
            throw new IllegalArgumentException("randomized_svd: power_iterations = " + powerIterations
                    + " is not in [0, " + MAX_POWER_ITERATIONS + "]");
        }
        int l = (int) Math.min((long) k + oversampling, most);
        if ((long) (n + l + 1) * l > Integer.MAX_VALUE - 8) { // Ω, Aᵀ·Q and the broadcast σ, Ũ, V
            throw new IllegalArgumentException("randomized_svd: " + l + " samples of " + n
                    + " columns do not fit one array; lower k or oversampling");
        }
        return l;
    }
}
