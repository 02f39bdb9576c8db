package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;
import alchemist.task.ArgType;
import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code truncated_svd(A, k, method = 0) -> (U, S, V)} (alias {@code truncated_SVD}): the top k singular
 * values and vectors of an m × n matrix A, with A·V = U·diag(S): U (m × k, laid out in rows like A), S (k × 1,
 * descending), V (n × k, not transposed). U and V have orthonormal columns; where σᵢ = 0 (A of rank below
 * k), the matching columns of U and V are an orthonormal completion (U's from the Householder Q of TSQR,
 * or pseudo-random directions in the Krylov method), not zero, so that U and V stay orthonormal and
 * A·V = U·Σ still holds.
 *
 * <p>{@code method}: 0 lets the task choose (the Gramian when n ≤ {@value #GRAMIAN_MAX_COLUMNS}, Krylov
 * beyond), 1 the Gramian, 2 Krylov. A k outside [1, min(m, n)] or another method is a bad argument
 * (ERROR 11). With p workers:
 *
 * <h2>Gramian method</h2>
 * <ol>
 * <li>Each rank forms the Gramian of its rows with DSYRK (m·n²/p flops); one allreduce of n² values sums
 * them; rank 0 finds the top k eigenpairs of AᵀA with DSYEVR (O(n³): 4n³/3 for the tridiagonal reduction
 * plus O(n²·k)) and broadcasts the eigenvectors V₀ (n·k values).</li>
 * <li>Refinement. The eigenvalues of AᵀA give σᵢ² only to about machine precision times σ₁², i.e. σᵢ to
 * ε·σ₁²/σᵢ², so the task does not use them. Instead, Rayleigh–Ritz on A itself: W = A·V₀ locally
 * (2·m·n·k/p flops), W = Q·R by TSQR (about 4·m·k²/p flops, a gather of k² values per rank and a
 * broadcast of (p + 1)·k²), rank 0 takes the SVD R = Ũ·Σ·Ṽᵀ (DGESDD, k × k) and broadcasts Σ, Ũ and
 * V = V₀·Ṽ; U = Q·Ũ. Then one step of subspace iteration from that U, V₁ = orth(Aᵀ·U) (2·m·n·k/p flops,
 * an allreduce of n·k values, Householder QR of n × k on rank 0 and a broadcast), and Rayleigh–Ritz again
 * on V₁. So A·V = U·Σ to machine precision, U is orthonormal by construction (Householder), and the σᵢ
 * are those of A restricted to the final subspace, up to ε·σ₁ from the products: their error is second
 * order in the angle between that subspace and the true one (about ε·σ₁²/(σₖ² − σₖ₊₁²) from the
 * eigensolver, reduced by (σₖ₊₁/σₖ)² by the subspace step), where the eigenvalues' error was first order.</li>
 * </ol>
 * Measured (see the tests): singular values within 1e-14 relative of LAPACK's DGESDD on the whole matrix
 * for well-conditioned matrices, and within 1e-9 relative for every σᵢ ≥ 1e-6·σ₁ (1e-12 down to 1e-5·σ₁)
 * on matrices with σ from 1 down to 1e-8. Below about 1e-7·σ₁ the Gramian's subspace is lost and the
 * Krylov method is needed. Cost: m·n²/p + 6·m·n·k/p flops per rank, O(n³) on rank 0, an allreduce of n²
 * values and a few of n·k; memory n² on every rank.
 *
 * <h2>Krylov method</h2>
 * A thick-restarted block Golub–Kahan–Lanczos bidiagonalization with full reorthogonalization on A (never
 * AᵀA), block size k + 10, described with its costs in {@link Krylov}: per iteration a product with A and
 * one with Aᵀ (4·m·n·(k + 10)/p flops per rank), an allreduce and a broadcast of about n·(k + 10) values.
 * It stops when the residuals ‖Aᵀuᵢ − σᵢvᵢ‖ of the top k are at most 1e-13·σ₁; measured, the σᵢ are then
 * within 1e-10 relative of DGESDD's down to σᵢ = 1e-8·σ₁. Memory: n·10·(k + 10) on rank 0,
 * (m/p)·10·(k + 10) on every rank.
 *
 * <p>S and V are computed on rank 0 and broadcast, so every rank holds them bit for bit; the result does
 * not depend on the number of workers beyond rounding (sums are taken in another order).
 */
final class TruncatedSvdTask implements Task {
    private static final Logger LOG = LoggerFactory.getLogger(TruncatedSvdTask.class);
    /** The default method is the Gramian for at most this many columns, Krylov beyond. */
    static final int GRAMIAN_MAX_COLUMNS = 4096;
    static final int AUTO = 0;
    static final int GRAMIAN = 1;
    static final int KRYLOV = 2;

    @Override
    public String name() {
        return "truncated_svd";
    }

    @Override
    public List<String> aliases() {
        return List.of("truncated_SVD");
    }

    @Override
    public Signature signature() {
        return Signature.builder().matrix("A").intArg("k").optional("method", ArgType.BYTE, (byte) 0)
                .outputMatrix("U").outputMatrix("S").outputMatrix("V").build();
    }

    /** Singular triplets: σ and V the same on every rank, U in this rank's rows (column-major, ld max(1, rows)). */
    record Factors(double[] sigma, double[] u, double[] v) {
    }

    @Override
    public void run(TaskContext ctx) {
        RowBlock a = ctx.matrix("A");
        long m = a.numRows();
        int n = a.numCols();
        int k = ctx.intArg("k");
        int method = ctx.byteArg("method");
        if (k < 1 || k > Math.min(m, n)) {
            throw new IllegalArgumentException("k = " + k + " is not in [1, min(m, n)] = [1, " + Math.min(m, n)
                    + "] for a " + m + " x " + n + " matrix");
        }
        if (method != AUTO && method != GRAMIAN && method != KRYLOV) {
            throw new IllegalArgumentException("method = " + method + " is none of 0 (choose), 1 (Gramian), 2 (Krylov)");
        }
        boolean gramian = usesGramian(method, n);
        int rows = a.localRows();
        Factors f;
        if (gramian) {
            f = gramianSvd(ctx.comm(), a.values(), rows, n, k);
        } else {
            Krylov.Result kr = Krylov.svd(ctx.comm(), a.values(), rows, a.firstRow(), m, n, k);
            if (ctx.rank() == 0) {
                LOG.debug("truncated_svd of {} x {}, k = {} by Krylov: {} iterations, {} restarts, residual {} of sigma_1",
                        m, n, k, kr.iterations(), kr.restarts(), kr.residual());
            }
            f = new Factors(kr.sigma(), kr.u(), kr.v());
        }
        RowBlock u = ctx.createMatrix("U", m, k);
        if (u.firstRow() != a.firstRow() || u.localRows() != rows) {
            throw new IllegalStateException("U's rows " + u.firstRow() + "+" + u.localRows() + " are not A's "
                    + a.firstRow() + "+" + rows);
        }
        Dense.colToRow(f.u(), Math.max(1, rows), rows, k, u.values());
        ctx.putWholeMatrix("S", f.sigma(), k, 1);
        ctx.putWholeMatrix("V", Dense.colToRow(f.v(), n, n, k), n, k);
    }

    /** @return whether a (valid) method on n columns means the Gramian */
    static boolean usesGramian(int method, int n) {
        return method == GRAMIAN || (method == AUTO && n <= GRAMIAN_MAX_COLUMNS);
    }

    /**
     * The Gramian method with Rayleigh–Ritz refinement (collective).
     *
     * @param a this rank's rows, row-major rows × n
     */
    static Factors gramianSvd(Communicator comm, double[] a, int rows, int n, int k) {
        boolean root = comm.rank() == 0;
        double[] g = Linalg.localGramian(a, rows, n);
        comm.allreduce(g, ReduceOp.SUM);
        double[] v0 = root ? Eigen.symmetricTop(g, n, k).vectors() : new double[n * k];
        comm.bcast(v0, 0, v0.length, 0);
        Factors f = rayleighRitz(comm, a, rows, n, k, v0);
        // One step of subspace iteration, V₁ = orth(Aᵀ·U), then Rayleigh–Ritz again.
        double[] z = new double[n * k];
        Dense.gemm("N", "N", n, k, rows, 1, a, 0, n, f.u(), 0, Math.max(1, rows), 0, z, 0, n);
        comm.allreduce(z, ReduceOp.SUM);
        double[] v1 = root ? BlockOrthogonalizer.qr(null, z, n, k).q() : new double[n * k];
        comm.bcast(v1, 0, v1.length, 0);
        f = rayleighRitz(comm, a, rows, n, k, v1);
        return f;
    }

    /**
     * Rayleigh–Ritz on A for the right subspace spanned by the orthonormal columns of v0 (n × k, the same
     * on every rank): W = A·V₀ = Q·R (TSQR), R = Ũ·Σ·Ṽᵀ on rank 0; returns Σ, U = Q·Ũ and V = V₀·Ṽ.
     */
    static Factors rayleighRitz(Communicator comm, double[] a, int rows, int n, int k, double[] v0) {
        int ld = Math.max(1, rows);
        double[] w = new double[ld * k];
        Dense.gemm("T", "N", rows, k, n, 1, a, 0, n, v0, 0, n, 0, w, 0, ld);
        BlockOrthogonalizer.Factor qr = BlockOrthogonalizer.qr(comm, w, rows, k);
        double[] shared = new double[k + k * k + n * k]; // σ, Ũ (k × k), V = V₀·Ṽ (n × k)
        if (comm.rank() == 0) {
            Eigen.Svd small = Eigen.svd(qr.r().clone(), k, k, k);
            System.arraycopy(small.s(), 0, shared, 0, k);
            System.arraycopy(small.u(), 0, shared, k, k * k);
            Dense.gemm("N", "T", n, k, k, 1, v0, 0, n, small.vt(), 0, k, 0, shared, k + k * k, n);
        }
        comm.bcast(shared, 0, shared.length, 0);
        double[] u = new double[ld * k];
        Dense.gemm("N", "N", rows, k, k, 1, qr.q(), 0, ld, shared, k, k, 0, u, 0, ld);
        return new Factors(java.util.Arrays.copyOfRange(shared, 0, k), u,
                java.util.Arrays.copyOfRange(shared, k + k * k, shared.length));
    }
}
