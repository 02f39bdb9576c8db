package alchemist.allib;

import alchemist.server.comm.ReduceOp;
import alchemist.task.ArgType;
import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;
import java.util.Arrays;
import org.netlib.util.intW;

/**
 * {@code least_squares(A, b) -> (x, residual_norm)}: the solution x of min ‖Ax − b‖₂ for an m × n matrix A
 * of full column rank (m ≥ n) and an m × 1 right-hand side b, by TSQR: A = QR (see {@link Tsqr}), Qᵀb from
 * each worker's rows (DGEMM) and one allreduce of n values, then x = R⁻¹Qᵀb (DTRTRS) on every worker. x is
 * returned as an n × 1 matrix, and residual_norm = ‖Ax − b‖₂ recomputed from x (a DOUBLE). A b of q &gt; 1
 * columns is solved column by column (x is n × q) and residual_norm is then ‖AX − B‖ in the Frobenius norm.
 *
 * <p>Like LAPACK's DGELS it is backward stable: x is the exact solution for a nearby A and b, so its
 * relative error is O(κ(A)·ε) for a small residual and O(κ(A)²·ε) otherwise.
 *
 * <p>Cost with k workers: about (4n + 2q)(m/k)n flops per worker for TSQR and Qᵀb, 2(m/k)nq for the
 * residual, plus O(kn³) on the first worker; communication that of TSQR plus allreduces of nq and 1 values.
 * Memory: each worker holds its rows of Q (as many values as its rows of A) while it runs.
 *
 * @throws IllegalArgumentException (ERROR 11) if b's rows differ from A's, m &lt; n, or R has a zero on its
 *                                  diagonal (A is rank deficient)
 */
final class LeastSquaresTask implements Task {
    @Override
    public String name() {
        return "least_squares";
    }

    @Override
    public Signature signature() {
        return Signature.builder().matrix("A").matrix("b").outputMatrix("x").output("residual_norm", ArgType.DOUBLE)
                .build();
    }

    @Override
    public void run(TaskContext ctx) {
        RowBlock a = ctx.matrix("A");
        RowBlock b = ctx.matrix("b");
        int n = a.numCols();
        int q = b.numCols();
        if (b.numRows() != a.numRows()) {
            throw new IllegalArgumentException("least_squares: A is " + a.numRows() + " x " + n + " and b is "
                    + b.numRows() + " x " + q + "; they need the same number of rows");
        }
        QrTask.requireTall("least_squares", a);
        QrTask.requireSameRows(a, b);
        int rows = a.localRows();

        int ld = Math.max(1, rows);
        Tsqr.Factor f = Tsqr.factorRows(ctx.comm(), ctx.parallel(), a.values(), rows, n, true);
        double[] qLocal = f.q(); // column-major rows × n
        double[] rc = f.r(); // column-major n × n

        // Qᵀb, n × q row-major = column-major (Qᵀb)ᵀ = bᵀ (q × rows, b's row-major rows) · Q (rows × n).
        double[] z = new double[n * q];
        Dense.gemm("N", "N", q, n, rows, 1.0, b.values(), 0, q, qLocal, 0, ld, 0.0, z, 0, q);
        ctx.comm().allreduce(z, ReduceOp.SUM);

        // Solve R x = Qᵀb, column-major, right-hand sides n × q.
        double[] x = new double[n * q];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < q; c++) {
                x[i + c * n] = z[i * q + c];
            }
        }
        intW info = new intW(0);
        Linalg.LAPACK.dtrtrs("U", "N", "N", n, q, rc, n, x, n, info);
        if (info.val > 0) {
            throw new IllegalArgumentException("least_squares: A is rank deficient (R[" + (info.val - 1) + "]["
                    + (info.val - 1) + "] = 0)");
        }
        Linalg.checkInfo("dtrtrs", info);
        double[] xRowMajor = new double[n * q];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < q; c++) {
                xRowMajor[i * q + c] = x[i + c * n];
            }
        }

        // ‖Ax − b‖² from each worker's rows: residual (rows × q row-major) = A x − b.
        double[] sum = new double[1];
        if (rows > 0) {
            double[] res = Arrays.copyOf(b.values(), rows * q);
            ParallelBlas.timesRowMajor(ctx.parallel(), a.values(), rows, n, xRowMajor, q, -1, res);
            double norm = Linalg.BLAS.dnrm2(res.length, res, 1);
            sum[0] = norm * norm;
        }
        ctx.comm().allreduce(sum, ReduceOp.SUM);
        ctx.putWholeMatrix("x", xRowMajor, n, q);
        ctx.putScalar("residual_norm", Math.sqrt(sum[0]));
    }
}
