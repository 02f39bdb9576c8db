package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;

/**
 * A probabilistic upper bound on the spectral norm of E = A − U·diag(σ)·Vᵀ for a rank-k factorization of a
 * distributed A, without forming E (Halko, Martinsson and Tropp 2011, Lemma 4.1 and §4.3): for r standard
 * Gaussian vectors ωᵢ independent of E, ‖E‖₂ ≤ α·√(2/π)·maxᵢ ‖E·ωᵢ‖ with probability at least 1 − α⁻ʳ.
 * Here α = {@value #ALPHA} and r = {@value #VECTORS}: a failure probability of at most 1e-10.
 *
 * <p>E·ωᵢ = A·ωᵢ − U·(σ ∘ (Vᵀ·ωᵢ)) on each rank's rows; one allreduce of r sums of squares. The ωᵢ come from
 * a seed of their own, so they are independent of the test matrix that made U and V. Cost per rank:
 * 2·m·n·r/p + 2·m·k·r/p flops, an allreduce of r values. The bound holds for E in exact arithmetic; the
 * products add rounding of about ε·‖A‖ to each ‖E·ωᵢ‖, which only matters when E is itself at that level.
 * Since E‖E·ω‖² = ‖E‖_F², it overshoots ‖E‖₂ by about 8·‖E‖_F/‖E‖₂ (between 8 and 8·√rank(E)), and up to
 * about twice that again from taking the largest of the r draws.
 */
final class ResidualNormBound {
    static final double ALPHA = 10;
    static final int VECTORS = 10;
    /** Mixed into the task's seed so that the ωᵢ are not the test matrix's columns. */
    private static final long SEED_SALT = 0x5eed_e57_1a7eL;

    private ResidualNormBound() {
    }

    /**
     * @param a     this rank's rows of A
     * @param u     this rank's rows of U, column-major rows × k, leading dimension max(1, rows)
     * @param sigma k values, the same on every rank
     * @param v     column-major n × k, the same on every rank
     * @return the bound, the same on every rank (collective)
     */
    static double estimate(Communicator comm, WorkerRows a, double[] u, double[] sigma, double[] v, long seed) {
        int k = sigma.length;
        int n = a.n();
        int rows = a.rows();
        int ld = a.ld();
        double[] omega = Dense.gaussianBlock(Dense.mix(seed ^ SEED_SALT), n, VECTORS);
        double[] e = a.times(omega, n, VECTORS);
        double[] coefficients = new double[k * VECTORS]; // diag(σ)·Vᵀ·Ω, k × r
        Dense.gemm("T", "N", k, VECTORS, n, 1, v, 0, n, omega, 0, n, 0, coefficients, 0, k);
        for (int c = 0; c < VECTORS; c++) {
            for (int i = 0; i < k; i++) {
                coefficients[i + c * k] *= sigma[i];
            }
        }
        Dense.gemm("N", "N", rows, VECTORS, k, -1, u, 0, ld, coefficients, 0, k, 1, e, 0, ld);
        double[] squares = Dense.columnSquares(e, ld, rows, VECTORS);
        comm.allreduce(squares, ReduceOp.SUM);
        return ALPHA * Math.sqrt(2 / Math.PI) * Dense.maxNorm(squares);
    }
}
