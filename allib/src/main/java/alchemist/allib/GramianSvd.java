package alchemist.allib;

import alchemist.server.LapackReference;
import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The top k singular triplets of a matrix in row blocks from its Gramian AᵀA, refined on A itself only
 * where the spectrum needs it (collective).
 *
 * <ol>
 * <li>Each rank forms the Gramian of its rows (DSYRK, on its threads: m·n²/p flops); one allreduce of n²
 * values sums them; rank 0 finds the top k eigenpairs λ, V₀ of AᵀA with DSYEVR (O(n³) on rank 0) and
 * decides, from the computed spectrum, whether they are accurate enough: the eigenvalues of the computed
 * Gramian are those of AᵀA up to δ ≈ {@value #GRAMIAN_ERROR}·ε·λ₁ (rounding in DSYRK, the sums and DSYEVR),
 * so σᵢ = √λᵢ is known to δ/(2λᵢ) relative. For a wide matrix, {@link #svdLanczos} finds the same eigenpairs
 * without forming the Gramian ({@link GramianLanczos}: 4·m·n·b/p flops per iteration, n·s values on rank 0),
 * and the steps below are the same, reported as {@link Path#LANCZOS} and {@link Path#LANCZOS_REFINED}.</li>
 * <li>When δ/(2λₖ) ≤ {@value #TARGET} (σₖ above about 1.5e-3·σ₁: {@link Path#GRAMIAN}), σ = √λ, V = V₀ and
 * U = A·V₀·Σ⁻¹ (2·m·n·k/p flops): the single-process reference's own algorithm, distributed. U is then
 * orthonormal to about δ/λₖ ≤ 2·{@value #TARGET} (UᵀU = Σ⁻¹V₀ᵀ(AᵀA)V₀Σ⁻¹), and A·V = U·Σ to rounding.</li>
 * <li>Otherwise ({@link Path#GRAMIAN_REFINED}) Rayleigh–Ritz on A for span(V₀): W = A·V₀ = Q·R (TSQR),
 * R = Ũ·Σ·Ṽᵀ on rank 0, U = Q·Ũ, V = V₀·Ṽ (U orthonormal by construction); then one step of subspace
 * iteration, V₁ = orth(Aᵀ·U) (an allreduce of n·k values, Householder QR on rank 0), and Rayleigh–Ritz again
 * on V₁: the error of the σᵢ becomes second order in the angle between the subspace and the true one,
 * reduced by (σₖ₊₁/σₖ)² by the subspace step, so σᵢ down to about 1e-6·σ₁ come out within 1e-9 relative
 * (see the tests); below about 1e-7·σ₁ the Gramian's subspace is lost and the Krylov method is needed.</li>
 * </ol>
 * Cost, formed: m·n²/p + 2·m·n·k/p flops per rank, O(n³) on rank 0, an allreduce of n² values; refined,
 * another 4·m·n·k/p plus two TSQRs (12·m·k²/p). Memory: n² on every rank.
 */
final class GramianSvd {
    private static final Logger LOG = LoggerFactory.getLogger(GramianSvd.class);
    /**
     * δ, the assumed error of the Gramian's eigenvalues, in units of ε·λ₁ (ε = 2⁻⁵³). Measured on 2,000 and
     * 20,000 × 200 matrices with σ from 1 down to 1e-4: at most 0.15 for the σᵢ below 1e-2·σ₁, whose
     * accuracy the choice is about; 4 leaves a margin of 25.
     */
    static final double GRAMIAN_ERROR = 4;
    /** The relative error of σₖ below which the refinement is skipped: ten times under the 1e-9 promise. */
    static final double TARGET = 1e-10;
    /** σᵢ/σ₁ down to which the refined Gramian gives σᵢ within 1e-9 relative (measured: see the tests). */
    static final double RESOLVED = 1e-6;

    /** Which way a run went. */
    enum Path {
        /** The eigenpairs of AᵀA, U = A·V·Σ⁻¹. */
        GRAMIAN("gramian"),
        /** Rayleigh–Ritz on A, a subspace iteration step and Rayleigh–Ritz again. */
        GRAMIAN_REFINED("gramian_refined"),
        /** As {@link #GRAMIAN}, the eigenpairs from {@link GramianLanczos} (the Gramian never formed). */
        LANCZOS("lanczos"),
        /** As {@link #GRAMIAN_REFINED}, the eigenpairs from {@link GramianLanczos}. */
        LANCZOS_REFINED("lanczos_refined");

        private final String label;

        Path(String label) {
            this.label = label;
        }

        /** @return the name the task reports */
        String label() {
            return label;
        }
    }

    /**
     * Singular triplets and how they were found.
     *
     * @param sigma descending, k, the same on every rank
     * @param u     this rank's rows of U, column-major (rows × k, leading dimension max(1, rows))
     * @param v     column-major n × k, the same on every rank
     */
    record Result(double[] sigma, double[] u, double[] v, Path path) {
        /** @return whether the spectrum was beyond the Gramian's reach: then only v, the eigenvectors V₀, is set */
        boolean gaveUp() {
            return path == null;
        }
    }

    private GramianSvd() {
    }

    /** What to do once the spectrum is known. */
    enum Mode {
        /** Refine where the spectrum needs it; give up (null result) where the Gramian cannot be accurate. */
        ADAPTIVE,
        /** Refine where the spectrum needs it, and return what the Gramian gives even where it is not accurate. */
        GRAMIAN_ONLY,
        /** Refine whatever the spectrum. */
        ALWAYS_REFINE
    }

    private static final int STOP = 0;
    private static final int REFINE = 1;
    private static final int GIVE_UP = 2;

    /**
     * The Gramian method with the Gramian formed: DSYRK on every rank, an allreduce, DSYEVR on rank 0.
     *
     * @return the triplets, or in {@link Mode#ADAPTIVE} when σₖ is below what the Gramian resolves
     *         ({@value #RESOLVED}·σ₁) a result that {@link Result#gaveUp() gave up}: then another method must run
     */
    static Result svd(Communicator comm, WorkerRows a, int k, Mode mode) {
        int n = a.n();
        double[] g = a.gramian();
        comm.allreduce(g, ReduceOp.SUM);
        double[] shared = new double[k + n * k]; // λ, V₀
        if (comm.rank() == 0) {
            Eigen.SymmetricTop top = Eigen.symmetricTop(g, n, k);
            System.arraycopy(top.values(), 0, shared, 0, k);
            System.arraycopy(top.vectors(), 0, shared, k, n * k);
        }
        g = null; // n² values: let them go before the products
        comm.bcast(shared, 0, shared.length, 0);
        return fromEigenpairs(comm, a, k, mode, Arrays.copyOf(shared, k), Arrays.copyOfRange(shared, k, shared.length),
                Path.GRAMIAN, Path.GRAMIAN_REFINED);
    }

    /**
     * The Gramian method with the Gramian never formed: its eigenpairs from {@link GramianLanczos}, then the
     * same decision and paths as {@link #svd}.
     */
    static Result svdLanczos(Communicator comm, WorkerRows a, long m, int k, Mode mode) {
        GramianLanczos.Result e = GramianLanczos.top(comm, a, m, k);
        if (comm.rank() == 0) {
            LOG.debug("Lanczos on the Gramian: {} iterations, {} restarts, residual {} of lambda_1", e.iterations(),
                    e.restarts(), e.residual());
        }
        return fromEigenpairs(comm, a, k, mode, e.values(), e.vectors(), Path.LANCZOS, Path.LANCZOS_REFINED);
    }

    /**
     * Decides from the eigenvalues (the same on every rank, so every rank decides alike) and finishes.
     *
     * @param lambda the top k eigenvalues of the Gramian, descending
     * @param v0     their eigenvectors, n × k
     */
    private static Result fromEigenpairs(Communicator comm, WorkerRows a, int k, Mode mode, double[] lambda,
            double[] v0, Path plain, Path refined) {
        int decision = decide(lambda, mode);
        if (decision == GIVE_UP) {
            return new Result(null, null, v0, null);
        }
        if (decision == STOP) {
            double[] sigma = new double[k];
            double[] u = a.times(v0, a.n(), k);
            for (int j = 0; j < k; j++) {
                sigma[j] = Math.sqrt(lambda[j]);
                Linalg.BLAS.dscal(a.rows(), 1 / sigma[j], u, j * a.ld(), 1);
            }
            return new Result(sigma, u, v0, plain);
        }
        int n = a.n();
        double[] f = rayleighRitz(comm, a, k, v0, refined).u();
        // One step of subspace iteration, V₁ = orth(Aᵀ·U), then Rayleigh–Ritz again.
        double[] z = a.transposeTimes(f, k);
        comm.allreduce(z, ReduceOp.SUM);
        double[] v1 = comm.rank() == 0 ? Tsqr.factor(null, a.parallel(), z, n, k, true).q() : new double[n * k];
        comm.bcast(v1, 0, v1.length, 0);
        return rayleighRitz(comm, a, k, v1, refined);
    }

    /** Rank 0's decision from the top k eigenvalues of the computed Gramian (descending). */
    private static int decide(double[] lambda, Mode mode) {
        double last = lambda[lambda.length - 1];
        if (mode == Mode.ADAPTIVE && lambda[0] > 0 && !(last >= RESOLVED * RESOLVED * lambda[0])) {
            return GIVE_UP;
        }
        return mode == Mode.ALWAYS_REFINE || needsRefinement(lambda) ? REFINE : STOP;
    }

    /**
     * @param lambda the top k eigenvalues of the computed Gramian, descending
     * @return whether √λₖ may be off by more than {@link #TARGET} relative
     */
    static boolean needsRefinement(double[] lambda) {
        double delta = GRAMIAN_ERROR * Math.ulp(1.0) / 2 * lambda[0];
        double last = lambda[lambda.length - 1];
        return !(last > 0 && delta <= 2 * TARGET * last); // also when λₖ ≤ 0 or NaN
    }

    /**
     * Rayleigh–Ritz on A for the right subspace spanned by the orthonormal columns of v0 (n × k, the same
     * on every rank): W = A·V₀ = Q·R (TSQR), R = Ũ·Σ·Ṽᵀ on rank 0; returns Σ, U = Q·Ũ and V = V₀·Ṽ.
     */
    private static Result rayleighRitz(Communicator comm, WorkerRows a, int k, double[] v0, Path path) {
        int n = a.n();
        int rows = a.rows();
        int ld = a.ld();
        double[] w = a.times(v0, n, k);
        Tsqr.Factor qr = Tsqr.factor(comm, a.parallel(), w, rows, k, true);
        double[] shared = new double[k + k * k + n * k]; // σ, Ũ (k × k), V = V₀·Ṽ (n × k)
        if (comm.rank() == 0) {
            LapackReference.Svd small = Eigen.svd(qr.r().clone(), k, k, k);
            System.arraycopy(small.s(), 0, shared, 0, k);
            System.arraycopy(small.u(), 0, shared, k, k * k);
            Dense.gemm("N", "T", n, k, k, 1, v0, 0, n, small.vt(), 0, k, 0, shared, k + k * k, n);
        }
        comm.bcast(shared, 0, shared.length, 0);
        double[] u = new double[ld * k];
        Dense.gemm("N", "N", rows, k, k, 1, qr.q(), 0, ld, shared, k, k, 0, u, 0, ld);
        return new Result(Arrays.copyOfRange(shared, 0, k), u, Arrays.copyOfRange(shared, k + k * k, shared.length),
                path);
    }
}
