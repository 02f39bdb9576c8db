package alchemist.allib;

/**
 * Chooses between truncated_svd's two methods by their estimated time per rank, in units of one BLAS-3
 * flop on one rank (every rank's share of the work runs at the same rate; rank 0's serial parts count
 * whole):
 * <ul>
 * <li>Gramian ({@link GramianSvd}): m·n²/p for DSYRK, {@value #EIGEN_SLOWDOWN} × (4/3)·n³ for DSYEVR's
 * tridiagonal reduction on rank 0 (half of it matrix-vector products, which run far below BLAS-3 speed),
 * and 2·m·n·k/p for U = A·V·Σ⁻¹ (its refinement, which only an ill-conditioned spectrum needs, is left
 * out);</li>
 * <li>Krylov ({@link Krylov}): per iteration 4·m·n·b/p for the products with A and Aᵀ, 8·m·s·b/p for
 * U's reorthogonalization, and on rank 0 12·n·s·b for V's and {@value #SMALL_SVD_FLOPS}·s³ for the SVD of the
 * s × s projection (a serial LAPACK call: counted at {@value #EIGEN_SLOWDOWN} × its flops), with
 * b = max(k, {@value Krylov#MIN_BLOCK}) and s the basis, on average about 7/10 of its largest size; times
 * {@value #KRYLOV_ITERATIONS} iterations, what a flat spectrum (the slow case, which the cost of a wrong
 * guess must cover) takes.</li>
 * </ul>
 * The Gramian also needs n² values on every rank (and DSYEVR about as much again on rank 0): beyond
 * {@value #GRAMIAN_MAX_COLUMNS} columns it is never chosen. The choice depends on (m, n, k, p) alone, so
 * every rank makes the same one.
 */
final class SvdCostModel {
    /** How much slower than BLAS-3 the eigensolver's flops run. */
    static final double EIGEN_SLOWDOWN = 4;
    /** Krylov iterations assumed. */
    static final int KRYLOV_ITERATIONS = 60;
    /** DGESDD's flops for an s × s matrix with its vectors, about. */
    static final int SMALL_SVD_FLOPS = 20;
    /** Never the Gramian beyond this many columns (an n × n Gramian of 3.2 GB). */
    static final int GRAMIAN_MAX_COLUMNS = 20_000;

    /** A method. */
    enum Choice {
        GRAMIAN, KRYLOV
    }

    private SvdCostModel() {
    }

    /** @return the cheaper method for the top k of an m × n matrix on p workers */
    static Choice choose(long m, int n, int k, int p) {
        if (n > GRAMIAN_MAX_COLUMNS) {
            return Choice.KRYLOV;
        }
        return gramianCost(m, n, k, p) <= krylovCost(m, n, k, p) ? Choice.GRAMIAN : Choice.KRYLOV;
    }

    /** @return the Gramian method's estimated time per rank, in flops */
    static double gramianCost(long m, int n, int k, int p) {
        double md = m;
        double nd = n;
        return (md * nd * nd + 2 * md * nd * k) / p + EIGEN_SLOWDOWN * 4.0 / 3 * nd * nd * nd;
    }

    /** @return the Krylov method's estimated time per rank, in flops */
    static double krylovCost(long m, int n, int k, int p) {
        double r = Math.min(m, n);
        double b = Math.min(r, Math.max(k, Krylov.MIN_BLOCK));
        double basis = 0.7 * Math.min(r, b + Math.max(Krylov.BASIS_BLOCKS * b, Krylov.MIN_BASIS));
        double md = m;
        double perIteration = (4 * md * n * b + 8 * md * basis * b) / p + 12.0 * n * basis * b
                + EIGEN_SLOWDOWN * SMALL_SVD_FLOPS * basis * basis * basis;
        return KRYLOV_ITERATIONS * perIteration;
    }
}
