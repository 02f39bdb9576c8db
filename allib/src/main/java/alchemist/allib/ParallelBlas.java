package alchemist.allib;

import alchemist.task.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The big local products of allib's tasks, cut into single-threaded BLAS calls that run on a worker's threads
 * ({@link alchemist.task.TaskContext#parallel()}). A is always a worker's rows: row-major rows × n, that is,
 * read column-major, Aᵀ (n × rows, leading dimension n). Every cut depends on the sizes alone (see
 * {@link Blocks}, {@link GramianTiles}), so results are bit-identical for any number of threads, 1 included.
 */
final class ParallelBlas {
    private ParallelBlas() {
    }

    /**
     * @return the n × n Gramian AᵀA, full (both triangles; symmetric, so row- and column-major alike): DSYRK
     *         on the diagonal tiles and DGEMM off it; for n ≤ {@value GramianTiles#WIDTH} one DSYRK
     */
    static double[] gramian(Parallel parallel, double[] a, int rows, int n) {
        double[] g = new double[n * n];
        if (rows == 0 || n == 0) {
            return g;
        }
        GramianTiles.forEach(parallel, n, (i0, iw, j0, jw) -> {
            if (i0 == 0 && iw == n) {
                Linalg.BLAS.dsyrk("U", "N", n, rows, 1.0, a, 0, n, 0.0, g, 0, n); // one tile: the plain DSYRK
            } else if (i0 == j0) {
                GramianTiles.putDiagonal(diagonalTile(a, rows, n, i0, iw), iw, g, i0, n);
            } else {
                // G[I, J] = A_Iᵀ·A_J: rows I and J of the column-major Aᵀ.
                Linalg.BLAS.dgemm("N", "T", iw, jw, rows, 1.0, a, i0, n, a, j0, n, 0.0, g, i0 + j0 * n, n);
            }
        });
        Linalg.symmetrizeFromUpper(g, n);
        return g;
    }

    /**
     * @return the upper triangle of A_Iᵀ·A_I for the columns I = [i0, i0 + iw), column-major iw × iw: a DSYRK
     *         over the rows but the last, which a DSYR adds, for dev.ludovic.netlib checks DSYRK's A as if it
     *         spanned rows full rows from its offset (one row too many when i0 &gt; 0)
     */
    private static double[] diagonalTile(double[] a, int rows, int n, int i0, int iw) {
        double[] t = new double[iw * iw];
        int k = i0 == 0 ? rows : rows - 1;
        Linalg.BLAS.dsyrk("U", "N", iw, k, 1.0, a, i0, n, 0.0, t, 0, iw);
        if (k < rows) {
            Linalg.BLAS.dsyr("U", iw, 1.0, a, i0 + (rows - 1) * n, 1, t, 0, iw);
        }
        return t;
    }

    /**
     * C = A·X, cut by rows of C.
     *
     * @param x n × b, column-major, leading dimension ldx, from offX
     * @param c rows × b, column-major, leading dimension ldc (≥ max(1, rows)), from offC
     */
    static void times(Parallel parallel, double[] a, int rows, int n, double[] x, int offX, int ldx, int b,
            double[] c, int offC, int ldc) {
        int[] edges = Blocks.edges(rows, 2L * rows * n * b);
        parallel.run(Blocks.pieces(edges, (r0, r1) ->
                Dense.gemm("T", "N", r1 - r0, b, n, 1, a, r0 * n, n, x, offX, ldx, 0, c, offC + r0, ldc)));
    }

    /**
     * C = Aᵀ·Y, cut by rows of C (columns of A), each piece a DGEMM over all the rows.
     *
     * @param y rows × b, column-major, leading dimension ldy (≥ max(1, rows)), from offY
     * @param c n × b, column-major, leading dimension ldc, from offC; zero when rows = 0
     */
    static void transposeTimes(Parallel parallel, double[] a, int rows, int n, double[] y, int offY, int ldy, int b,
            double[] c, int offC, int ldc) {
        int[] edges = Blocks.edges(n, 2L * rows * n * b);
        parallel.run(Blocks.pieces(edges, (j0, j1) ->
                Dense.gemm("N", "N", j1 - j0, b, rows, 1, a, j0, n, y, offY, ldy, 0, c, offC + j0, ldc)));
    }

    /** Rows of A per step of {@link #gramianTimes}: a step's A·X is used again while its rows are in cache. */
    static final int GRAMIAN_TIMES_STEP = 128;
    /** Pieces of {@link #gramianTimes} at most: each holds an n × b partial sum. */
    static final int GRAMIAN_TIMES_PIECES = 16;
    /**
     * Above this many values in Z (n·b), {@link #gramianTimes} takes two passes instead (A·X, then Aᵀ·Y cut by
     * columns of A), so that the pieces' partial sums never take more than 16 × 32 MiB.
     */
    static final long GRAMIAN_TIMES_MAX_FUSED = 1L << 22;

    /**
     * Z = Aᵀ·(A·X), the Gramian applied without forming it, in one pass over A: each piece takes a block of
     * rows, and for every {@value #GRAMIAN_TIMES_STEP} of them computes Y = A_c·X and adds A_cᵀ·Y while those
     * rows are still in cache; the pieces' partial sums are then added in order. For a Z of more than
     * {@value #GRAMIAN_TIMES_MAX_FUSED} values, two passes ({@link #times}, {@link #transposeTimes}).
     *
     * @param x n × b, column-major, leading dimension ldx
     * @param z n × b, column-major, leading dimension n, overwritten (zero when rows = 0)
     */
    static void gramianTimes(Parallel parallel, double[] a, int rows, int n, double[] x, int ldx, int b, double[] z) {
        Arrays.fill(z, 0, n * b, 0);
        if (rows == 0) {
            return;
        }
        if ((long) n * b > GRAMIAN_TIMES_MAX_FUSED) {
            double[] y = new double[rows * b];
            times(parallel, a, rows, n, x, 0, ldx, b, y, 0, rows);
            transposeTimes(parallel, a, rows, n, y, 0, rows, b, z, 0, n);
            return;
        }
        long worthwhile = Math.max(1, 4L * rows * n * b / Blocks.MIN_FLOPS);
        int pieces = (int) Math.min(Math.min(rows, GRAMIAN_TIMES_PIECES), worthwhile);
        int[] edges = Blocks.nearEqual(rows, pieces);
        double[][] partial = new double[pieces][];
        List<Runnable> work = new ArrayList<>(pieces);
        for (int p = 0; p < pieces; p++) {
            int piece = p;
            work.add(() -> {
                double[] sum = piece == 0 ? z : new double[n * b];
                double[] y = new double[GRAMIAN_TIMES_STEP * b];
                for (int r0 = edges[piece]; r0 < edges[piece + 1]; r0 += GRAMIAN_TIMES_STEP) {
                    int r = Math.min(GRAMIAN_TIMES_STEP, edges[piece + 1] - r0);
                    Dense.gemm("T", "N", r, b, n, 1, a, r0 * n, n, x, 0, ldx, 0, y, 0, r);
                    Dense.gemm("N", "N", n, b, r, 1, a, r0 * n, n, y, 0, r, 1, sum, 0, n);
                }
                partial[piece] = sum;
            });
        }
        parallel.run(work);
        for (int p = 1; p < pieces; p++) {
            Linalg.BLAS.daxpy(n * b, 1, partial[p], 1, z, 1);
        }
    }

    /**
     * C = A·B + beta·C, all row-major, cut by rows of C.
     *
     * @param b n × p, row-major
     * @param c rows × p, row-major
     */
    static void timesRowMajor(Parallel parallel, double[] a, int rows, int n, double[] b, int p, double beta,
            double[] c) {
        int[] edges = Blocks.edges(rows, 2L * rows * n * p);
        // Row-major C is column-major Cᵀ = Bᵀ (p × n) · Aᵀ (n × rows) + beta·Cᵀ; rows of C are its columns.
        parallel.run(Blocks.pieces(edges, (r0, r1) ->
                Dense.gemm("N", "N", p, r1 - r0, n, 1, b, 0, p, a, r0 * n, n, beta, c, r0 * p, p)));
    }

    /**
     * C = Aᵀ·Y, all row-major, cut by rows of C (columns of A), each piece a DGEMM over all the rows.
     *
     * @param y rows × q, row-major
     * @param c n × q, row-major; zero when rows = 0
     */
    static void transposeTimesRowMajor(Parallel parallel, double[] a, int rows, int n, double[] y, int q,
            double[] c) {
        int[] edges = Blocks.edges(n, 2L * rows * n * q);
        // Row-major C is column-major Cᵀ = Yᵀ (q × rows) · A (rows × n); rows of C are its columns.
        parallel.run(Blocks.pieces(edges, (j0, j1) ->
                Dense.gemm("N", "T", q, j1 - j0, rows, 1, y, 0, q, a, j0, n, 0, c, j0 * q, q)));
    }
}
