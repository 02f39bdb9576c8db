package alchemist.allib;

/**
 * Chooses how truncated_svd finds the Gramian's eigenpairs, by their estimated time per rank, in units of one
 * BLAS-3 flop on one rank (every rank's share of the work runs at the same rate; rank 0's serial parts count
 * whole):
 * <ul>
 * <li>formed ({@link GramianSvd#svd}): m·n²/p for DSYRK, {@value #EIGEN_SLOWDOWN} × (4/3)·n³ for DSYEVR's
 * tridiagonal reduction on rank 0 (half of it matrix-vector products, which run far below BLAS-3 speed),
 * and 2·m·n·k/p for U = A·V·Σ⁻¹ (its refinement, which only an ill-conditioned spectrum needs, is left
 * out);</li>
 * <li>Lanczos ({@link GramianLanczos}, the Gramian never formed): per iteration 4·m·n·b/p for Aᵀ·(A·X), and
 * on rank 0 12·n·s·b for the basis's orthogonalization and {@value #SMALL_EIGEN_FLOPS}·s³ for the eigenpairs
 * of the s × s projection (a serial LAPACK call: counted at {@value #EIGEN_SLOWDOWN} × its flops), with
 * b = max(k, {@value Krylov#MIN_BLOCK}) and s the basis, on average about 7/10 of its largest size; times
 * {@value #LANCZOS_ITERATIONS} iterations, what a flat spectrum (the slow case, which the cost of a wrong
 * guess must cover) takes.</li>
 * </ul>
 * The formed Gramian also needs n² values on every rank (and DSYEVR about as much again on rank 0): beyond
 * {@value #GRAMIAN_MAX_COLUMNS} columns it is never chosen. The choice depends on (m, n, k, p) alone, so
 * every rank makes the same one.
 */
final class SvdCostModel {
    /** How much slower than BLAS-3 the eigensolvers' flops run. */
    static final double EIGEN_SLOWDOWN = 4;
    /** Lanczos iterations assumed. */
    static final int LANCZOS_ITERATIONS = 60;
    /** DSYEVR's flops for the top eigenpairs of an s × s matrix, about. */
    static final int SMALL_EIGEN_FLOPS = 4;
    /** Never the formed Gramian beyond this many columns (an n × n Gramian of 3.2 GB). */
    static final int GRAMIAN_MAX_COLUMNS = 20_000;

    /** A way to the Gramian's eigenpairs. */
    enum Choice {
        GRAMIAN, LANCZOS
    }

    private SvdCostModel() {
    }

    /** @return the cheaper way for the top k of an m × n matrix on p workers */
    static Choice choose(long m, int n, int k, int p) {
        if (n > GRAMIAN_MAX_COLUMNS) {
            return Choice.LANCZOS;
        }
        return gramianCost(m, n, k, p) <= lanczosCost(m, n, k, p) ? Choice.GRAMIAN : Choice.LANCZOS;
    }

    /** @return the formed Gramian's estimated time per rank, in flops */
    static double gramianCost(long m, int n, int k, int p) {
        double md = m;
        double nd = n;
        return (md * nd * nd + 2 * md * nd * k) / p + EIGEN_SLOWDOWN * 4.0 / 3 * nd * nd * nd;
    }

    /** @return the Lanczos method's estimated time per rank, in flops */
    static double lanczosCost(long m, int n, int k, int p) {
        Krylov.Sizes sizes = Krylov.Sizes.of(m, n, k);
        double b = sizes.block();
        double basis = 0.7 * sizes.maxBasis();
        double md = m;
        double perIteration = 4 * md * n * b / p + 12.0 * n * basis * b
                + EIGEN_SLOWDOWN * SMALL_EIGEN_FLOPS * basis * basis * basis;
        return LANCZOS_ITERATIONS * perIteration + 2 * md * n * k / p;
    }
}
