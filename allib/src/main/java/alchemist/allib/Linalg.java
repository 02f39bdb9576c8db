package alchemist.allib;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

/**
 * The BLAS and LAPACK that allib calls: dev.ludovic.netlib's, as Spark's MLlib does (native OpenBLAS when
 * Debian's libopenblas0-pthread is installed, else a Java fallback). Column-major, Fortran conventions:
 * a worker's row-major rows (m × n) are, read column-major, the n × m matrix Aᵀ with leading dimension n.
 */
public final class Linalg {
    /** The BLAS in use. */
    public static final BLAS BLAS = dev.ludovic.netlib.blas.BLAS.getInstance();
    /** The LAPACK in use. */
    public static final LAPACK LAPACK = dev.ludovic.netlib.lapack.LAPACK.getInstance();

    private Linalg() {
    }

    /** Fills the lower triangle of a column-major symmetric n × n matrix from its upper triangle. */
    public static void symmetrizeFromUpper(double[] c, int n) {
        for (int j = 0; j < n; j++) {
            for (int i = j + 1; i < n; i++) {
                c[i + j * n] = c[j + i * n];
            }
        }
    }

    /**
     * @return the n × n Gramian AᵀA of a worker's row-major rows (m × n), full (both triangles), computed
     *         in the calling thread: {@link ParallelBlas#gramian} on one thread (one DSYRK for n ≤
     *         {@value GramianTiles#WIDTH}); symmetric, so row- and column-major alike
     */
    public static double[] localGramian(double[] rowMajor, int m, int n) {
        return ParallelBlas.gramian(alchemist.task.Parallel.serial(), rowMajor, m, n);
    }

    /**
     * @throws IllegalStateException naming the LAPACK routine when its {@code info} reports a failure
     */
    public static void checkInfo(String routine, org.netlib.util.intW info) {
        if (info.val != 0) {
            throw new IllegalStateException(routine + " failed with info = " + info.val);
        }
    }
}
