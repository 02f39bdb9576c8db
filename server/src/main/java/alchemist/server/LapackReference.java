package alchemist.server;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * The SVD of a dense matrix computed in this process by LAPACK's divide-and-conquer DGESDD (through the
 * library Spark's MLlib uses): the reference that tests, benchmarks and the walkthrough compare a
 * distributed result with, and the small dense SVDs inside allib's tasks. The one DGESDD wrapper of the
 * project.
 */
public final class LapackReference {
    private LapackReference() {
    }

    /**
     * A thin SVD A = U·diag(s)·Vᵀ, p = min(m, n).
     *
     * @param u  column-major m × p (leading dimension m)
     * @param s  descending, p
     * @param vt column-major p × n (leading dimension p)
     */
    public record Svd(double[] u, double[] s, double[] vt) {
    }

    /** @return all singular values of {@code a} (rows of equal length), descending */
    public static double[] singularValues(double[][] a) {
        int m = a.length;
        int n = a[0].length;
        return dgesdd("N", columnMajor(a), m, n, m).s();
    }

    /** @return the thin SVD of {@code a} (rows of equal length) */
    public static Svd thinSvd(double[][] a) {
        return dgesdd("S", columnMajor(a), a.length, a[0].length, a.length);
    }

    /**
     * @param a column-major m × n, leading dimension lda; destroyed
     * @return the thin SVD
     */
    public static Svd thinSvd(double[] a, int m, int n, int lda) {
        return dgesdd("S", a, m, n, lda);
    }

    private static Svd dgesdd(String jobz, double[] a, int m, int n, int lda) {
        int p = Math.min(m, n);
        boolean vectors = jobz.equals("S");
        double[] s = new double[p];
        // dev.ludovic.netlib's bounds check wants room for m columns of U even with jobz "S".
        double[] u = new double[vectors ? m * m : 1];
        double[] vt = new double[vectors ? p * n : 1];
        int ldu = vectors ? Math.max(1, m) : 1;
        int ldvt = vectors ? Math.max(1, p) : 1;
        int[] iwork = new int[8 * Math.max(1, p)];
        intW info = new intW(0);
        double[] query = new double[1];
        LAPACK lapack = LAPACK.getInstance();
        lapack.dgesdd(jobz, m, n, a, Math.max(1, lda), s, u, ldu, vt, ldvt, query, -1, iwork, info);
        check(info);
        double[] work = new double[Math.max(1, (int) query[0])];
        lapack.dgesdd(jobz, m, n, a, Math.max(1, lda), s, u, ldu, vt, ldvt, work, work.length, iwork, info);
        check(info);
        return new Svd(u, s, vt);
    }

    private static void check(intW info) {
        if (info.val != 0) {
            throw new IllegalStateException("dgesdd failed with info = " + info.val);
        }
    }

    /** @return a column-major copy of a matrix given as rows of equal length */
    public static double[] columnMajor(double[][] a) {
        int m = a.length;
        int n = a[0].length;
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[i + j * m] = a[i][j];
            }
        }
        return c;
    }
}
