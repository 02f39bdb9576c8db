package alchemist.server;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Singular values computed in this process by LAPACK (the library Spark's MLlib uses), to compare a
 * distributed result with: the walkthrough prints them beside allib's, tests check against them.
 */
public final class LapackReference {
    private LapackReference() {
    }

    /** @return all singular values of {@code a}, descending, by DGESDD */
    public static double[] singularValues(double[][] a) {
        int m = a.length;
        int n = a[0].length;
        double[] colMajor = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                colMajor[i + j * m] = a[i][j];
            }
        }
        double[] s = new double[Math.min(m, n)];
        int[] iwork = new int[8 * s.length];
        double[] work = new double[1];
        intW info = new intW(0);
        LAPACK lapack = LAPACK.getInstance();
        lapack.dgesdd("N", m, n, colMajor, m, s, new double[1], 1, new double[1], 1, work, -1, iwork, info);
        work = new double[(int) work[0]];
        lapack.dgesdd("N", m, n, colMajor, m, s, new double[1], 1, new double[1], 1, work, work.length, iwork, info);
        if (info.val != 0) {
            throw new IllegalStateException("dgesdd failed with info = " + info.val);
        }
        return s;
    }
}
