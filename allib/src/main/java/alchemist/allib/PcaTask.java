package alchemist.allib;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.ReduceOp;
import alchemist.task.Parallel;
import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.Task;
import alchemist.task.TaskContext;

/**
 * {@code pca(A, k) -> (components, explained_variance, explained_variance_ratio, mean, scores)}: principal
 * component analysis of the m rows (samples) of an m × n matrix A (n features), as scikit-learn's
 * {@code PCA} and Spark's {@code RowMatrix.computePrincipalComponentsAndExplainedVariance}:
 * <ul>
 * <li>{@code components} (n × k): the principal axes as orthonormal columns, by decreasing variance; each
 * column's entry of largest magnitude is made positive (the first such entry on a tie), so that the
 * result is deterministic;</li>
 * <li>{@code explained_variance} (k × 1): the variances along them, the eigenvalues of the covariance
 * matrix C = (A − 1μᵀ)ᵀ(A − 1μᵀ)/(m − 1) (the 1/(m − 1) convention of scikit-learn and Spark), equal to
 * σᵢ²/(m − 1) for the singular values σᵢ of the centered data;</li>
 * <li>{@code explained_variance_ratio} (k × 1): those divided by the total variance trace(C) (0 if the data
 * have no variance); they sum to at most 1;</li>
 * <li>{@code mean} (n × 1): the column means μ;</li>
 * <li>{@code scores} (m × k, laid out in rows like A): the projections (A − 1μᵀ)·components.</li>
 * </ul>
 * Requires m ≥ 2 and 1 ≤ k ≤ min(m, n) (ERROR 11 otherwise).
 *
 * <h2>Algorithm and cost</h2>
 * With p workers: the column sums by one allreduce of n values (m·n/p flops); then the Gramian of the
 * centered data, (A − 1μᵀ)ᵀ(A − 1μᵀ), tile by tile ({@link GramianTiles}, the tiles on the worker's threads),
 * each tile by DSYRK or DGEMM over chunks of {@value #CHUNK} rows whose tile columns it centers into a small
 * buffer (m·n²/p flops, at most 2·{@value #CHUNK}·{@value GramianTiles#WIDTH} extra values per thread, the
 * centered matrix is never formed whole), summed by one allreduce of n² values. Centering first, rather than
 * taking AᵀA − m·μμᵀ, avoids the cancellation that loses about log₁₀(‖μ‖²/variance) digits when the data sit
 * far from the origin. Rank 0 then takes the top k eigenpairs with DSYEVR (O(n³)) and broadcasts them (n·k
 * values); the scores cost 2·m·n·k/p flops more, chunk by chunk on the worker's threads, with no
 * communication. The variances come out with an absolute error of about machine precision times the largest
 * one. Memory: n² per rank.
 */
final class PcaTask implements Task {
    /** Rows centered at a time. */
    static final int CHUNK = 256;

    @Override
    public String name() {
        return "pca";
    }

    @Override
    public Signature signature() {
        return Signature.builder().matrix("A").intArg("k").outputMatrix("components").outputMatrix("explained_variance")
                .outputMatrix("explained_variance_ratio").outputMatrix("mean").outputMatrix("scores").build();
    }

    @Override
    public void run(TaskContext ctx) {
        RowBlock a = ctx.matrix("A");
        long m = a.numRows();
        int n = a.numCols();
        int k = ctx.intArg("k");
        if (m < 2) {
            throw new IllegalArgumentException("pca needs at least 2 rows, not " + m);
        }
        if (k < 1 || k > Math.min(m, n)) {
            throw new IllegalArgumentException("k = " + k + " is not in [1, min(m, n)] = [1, " + Math.min(m, n)
                    + "] for a " + m + " x " + n + " matrix");
        }
        Communicator comm = ctx.comm();
        int rows = a.localRows();
        double[] x = a.values();

        double[] mean = new double[n];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                mean[j] += x[i * n + j];
            }
        }
        comm.allreduce(mean, ReduceOp.SUM);
        for (int j = 0; j < n; j++) {
            mean[j] /= m;
        }

        double[] g = centeredGramian(ctx.parallel(), x, rows, n, mean);
        comm.allreduce(g, ReduceOp.SUM);
        double trace = 0;
        for (int j = 0; j < n; j++) {
            trace += g[j + j * n];
        }
        double totalVariance = trace / (m - 1);

        double[] shared = new double[k + n * k]; // eigenvalues, then the components column-major n × k
        if (comm.rank() == 0) {
            Eigen.SymmetricTop top = Eigen.symmetricTop(g, n, k);
            System.arraycopy(top.values(), 0, shared, 0, k);
            double[] w = top.vectors();
            for (int l = 0; l < k; l++) {
                int largest = 0;
                for (int j = 1; j < n; j++) {
                    if (Math.abs(w[j + l * n]) > Math.abs(w[largest + l * n])) {
                        largest = j;
                    }
                }
                if (w[largest + l * n] < 0) {
                    for (int j = 0; j < n; j++) {
                        w[j + l * n] = -w[j + l * n];
                    }
                }
            }
            System.arraycopy(w, 0, shared, k, n * k);
        }
        comm.bcast(shared, 0, shared.length, 0);

        double[] variance = new double[k];
        double[] ratio = new double[k];
        for (int l = 0; l < k; l++) {
            variance[l] = Math.max(shared[l], 0) / (m - 1);
            ratio[l] = totalVariance > 0 ? variance[l] / totalVariance : 0;
        }
        double[] components = new double[n * k];
        System.arraycopy(shared, k, components, 0, n * k);

        ctx.putWholeMatrix("components", Dense.colToRow(components, n, n, k), n, k);
        ctx.putWholeMatrix("explained_variance", variance, k, 1);
        ctx.putWholeMatrix("explained_variance_ratio", ratio, k, 1);
        ctx.putWholeMatrix("mean", mean, n, 1);
        RowBlock scores = ctx.createMatrix("scores", m, k);
        if (scores.firstRow() != a.firstRow() || scores.localRows() != rows) {
            throw new IllegalStateException("scores' rows " + scores.firstRow() + "+" + scores.localRows()
                    + " are not A's " + a.firstRow() + "+" + rows);
        }
        int chunks = (rows + CHUNK - 1) / CHUNK;
        ctx.parallel().run(Blocks.pieces(Blocks.edges(chunks, 2L * rows * n * k), (c0, c1) -> {
            double[] chunk = new double[Math.min(CHUNK, rows) * n];
            for (int start = c0 * CHUNK; start < Math.min(rows, c1 * CHUNK); start += CHUNK) {
                int count = Math.min(CHUNK, rows - start);
                center(x, start, count, n, mean, 0, n, chunk, 0, n);
                // scoresᵀ (k × count, column-major = scores row-major) = componentsᵀ·Xᵀ.
                Dense.gemm("T", "N", k, count, n, 1, components, 0, n, chunk, 0, n, 0, scores.values(), start * k, k);
            }
        }));
    }

    /**
     * @return the n × n Gramian of the centered rows, (X − 1μᵀ)ᵀ(X − 1μᵀ), full: each tile of
     *         {@link GramianTiles} sums its product over chunks of {@value #CHUNK} rows, centering only its
     *         own columns
     */
    static double[] centeredGramian(Parallel parallel, double[] x, int rows, int n, double[] mean) {
        double[] g = new double[n * n];
        GramianTiles.forEach(parallel, n, (i0, iw, j0, jw) -> {
            boolean diagonal = i0 == j0;
            int w = diagonal ? iw : iw + jw; // a chunk row holds columns I, then (off the diagonal) J
            double[] chunk = new double[Math.min(CHUNK, Math.max(1, rows)) * w];
            double[] tile = diagonal ? new double[iw * iw] : null;
            for (int start = 0; start < rows; start += CHUNK) {
                int count = Math.min(CHUNK, rows - start);
                center(x, start, count, n, mean, i0, iw, chunk, 0, w);
                // The chunk, row-major count × w, is column-major (w × count) with columns I in rows [0, iw).
                if (diagonal) {
                    Linalg.BLAS.dsyrk("U", "N", iw, count, 1, chunk, 0, w, 1, tile, 0, iw);
                } else {
                    center(x, start, count, n, mean, j0, jw, chunk, iw, w);
                    Linalg.BLAS.dgemm("N", "T", iw, jw, count, 1, chunk, 0, w, chunk, iw, w, 1, g, i0 + j0 * n, n);
                }
            }
            if (diagonal) {
                GramianTiles.putDiagonal(tile, iw, g, i0, n);
            }
        });
        Linalg.symmetrizeFromUpper(g, n);
        return g;
    }

    /**
     * Copies columns [col, col + width) of rows [start, start + count) of row-major x (n columns) minus the
     * mean into row-major chunk (row stride {@code stride}), from column {@code at}.
     */
    private static void center(double[] x, int start, int count, int n, double[] mean, int col, int width,
            double[] chunk, int at, int stride) {
        for (int i = 0; i < count; i++) {
            int from = (start + i) * n + col;
            int to = i * stride + at;
            for (int j = 0; j < width; j++) {
                chunk[to + j] = x[from + j] - mean[col + j];
            }
        }
    }
}
