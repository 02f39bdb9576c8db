package alchemist.allib;

import org.netlib.util.intW;

/**
 * Small dense helpers for allib's numerical tasks: BLAS and LAPACK calls in Fortran's column-major
 * convention that tolerate empty dimensions (a worker may hold no rows), layout conversions, and
 * deterministic pseudo-random entries that depend only on a seed and a global index, so that a random
 * block is the same whatever the number of workers.
 */
final class Dense {
    private Dense() {
    }

    /** C = alpha·op(A)·op(B) + beta·C, column-major; does nothing sensible-but-empty when a size is 0. */
    static void gemm(String transA, String transB, int m, int n, int k, double alpha, double[] a, int offA, int lda,
            double[] b, int offB, int ldb, double beta, double[] c, int offC, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    int at = offC + i + j * ldc;
                    c[at] = beta == 0 ? 0 : beta * c[at];
                }
            }
            return;
        }
        Linalg.BLAS.dgemm(transA, transB, m, n, k, alpha, a, offA, Math.max(1, lda), b, offB, Math.max(1, ldb), beta,
                c, offC, Math.max(1, ldc));
    }

    /** Writes a column-major rows × cols matrix (leading dimension ld) into a row-major array. */
    static void colToRow(double[] col, int ld, int rows, int cols, double[] rowMajor) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                rowMajor[i * cols + j] = col[i + j * ld];
            }
        }
    }

    /** @return a row-major copy of a column-major rows × cols matrix with leading dimension ld */
    static double[] colToRow(double[] col, int ld, int rows, int cols) {
        double[] row = new double[rows * cols];
        colToRow(col, ld, rows, cols, row);
        return row;
    }

    /** @return the sums of squares of the columns of a column-major rows × cols matrix */
    static double[] columnSquares(double[] a, int ld, int rows, int cols) {
        double[] s = new double[cols];
        for (int j = 0; j < cols; j++) {
            double acc = 0;
            for (int i = 0; i < rows; i++) {
                double x = a[i + j * ld];
                acc += x * x;
            }
            s[j] = acc;
        }
        return s;
    }

    /** @return the largest square root of the given sums of squares */
    static double maxNorm(double[] squares) {
        double max = 0;
        for (double s : squares) {
            max = Math.max(max, Math.sqrt(s));
        }
        return max;
    }

    /** SplitMix64's finalizer: a bijective mixing of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** @return a pseudo-random value in [-1, 1) determined by (seed, row, col) alone */
    static double randomEntry(long seed, long row, long col) {
        long h = mix(mix(mix(seed) + row) + col * 0x9e3779b97f4a7c15L);
        return ((h >>> 11) * 0x1.0p-53) * 2 - 1;
    }

    /**
     * Fills column {@code col} of a column-major block (rows global rows {@code firstRow ..}) with
     * pseudo-random entries scaled by {@code scale}.
     */
    static void fillRandomColumn(double[] a, int ld, int rows, int col, long firstRow, long seed, long column,
            double scale) {
        for (int i = 0; i < rows; i++) {
            a[i + col * ld] = scale * randomEntry(seed, firstRow + i, column);
        }
    }

    /** Householder QR in place (DGEQRF): R in the upper triangle, reflectors below, their factors in tau. */
    static void geqrf(int m, int n, double[] a, int lda, double[] tau) {
        intW info = new intW(0);
        double[] query = new double[1];
        Linalg.LAPACK.dgeqrf(m, n, a, lda, tau, query, -1, info);
        Linalg.checkInfo("dgeqrf", info);
        double[] work = new double[Math.max(1, (int) query[0])];
        Linalg.LAPACK.dgeqrf(m, n, a, lda, tau, work, work.length, info);
        Linalg.checkInfo("dgeqrf", info);
    }

    /**
     * Householder QR with column pivoting in place (DGEQP3).
     *
     * @param pivots filled with the 1-based original index of each column in pivot order (0 = free column)
     */
    static void geqp3(int m, int n, double[] a, int lda, int[] pivots, double[] tau) {
        intW info = new intW(0);
        double[] query = new double[1];
        Linalg.LAPACK.dgeqp3(m, n, a, lda, pivots, tau, query, -1, info);
        Linalg.checkInfo("dgeqp3", info);
        double[] work = new double[Math.max(1, (int) query[0])];
        Linalg.LAPACK.dgeqp3(m, n, a, lda, pivots, tau, work, work.length, info);
        Linalg.checkInfo("dgeqp3", info);
    }

    /** Forms the first n columns of Q from {@link #geqrf}'s output in place (DORGQR). */
    static void orgqr(int m, int n, int k, double[] a, int lda, double[] tau) {
        intW info = new intW(0);
        double[] query = new double[1];
        Linalg.LAPACK.dorgqr(m, n, k, a, lda, tau, query, -1, info);
        Linalg.checkInfo("dorgqr", info);
        double[] work = new double[Math.max(1, (int) query[0])];
        Linalg.LAPACK.dorgqr(m, n, k, a, lda, tau, work, work.length, info);
        Linalg.checkInfo("dorgqr", info);
    }

    /**
     * @return a standard normal value determined by (seed, row, col) alone (Box–Muller on two of
     *         {@link #randomEntry}'s uniforms; StrictMath so that every JVM gives the same bits), for random
     *         blocks whose probabilistic guarantees assume Gaussian entries
     */
    static double gaussianEntry(long seed, long row, long col) {
        double u1 = (1 - randomEntry(seed, row, col)) / 2; // (0, 1]: the logarithm stays finite
        double u2 = randomEntry(mix(seed + 1), row, col);  // [-1, 1): the angle's half-turns
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(StrictMath.PI * u2);
    }

    /** @return a column-major rows × cols block of {@link #gaussianEntry}(seed, i, j), the same on every rank */
    static double[] gaussianBlock(long seed, int rows, int cols) {
        double[] g = new double[rows * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                g[i + j * rows] = gaussianEntry(seed, i, j);
            }
        }
        return g;
    }
}
