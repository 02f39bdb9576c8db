package alchemist.allib;

import alchemist.server.LapackReference;
import org.netlib.util.intW;

/** Local dense eigen- and singular value decompositions with LAPACK, for one rank's small problems. */
final class Eigen {
    private Eigen() {
    }

    /**
     * The top k eigenpairs of a symmetric matrix.
     *
     * @param values  descending eigenvalues (k)
     * @param vectors the matching orthonormal eigenvectors, column-major n × k
     */
    record SymmetricTop(double[] values, double[] vectors) {
    }

    /**
     * The k largest eigenvalues of a symmetric n × n matrix and their eigenvectors, with LAPACK's DSYEVR
     * (tridiagonal reduction, then MRRR on the wanted index range "I" only; O(n³) for the reduction plus
     * O(n·k) for the eigenvectors and O(n²·k) for their back-transformation).
     *
     * @param a column-major (only the upper triangle is read); destroyed
     */
    static SymmetricTop symmetricTop(double[] a, int n, int k) {
        intW found = new intW(0);
        intW info = new intW(0);
        double[] w = new double[n];
        double[] z = new double[n * k];
        int[] isuppz = new int[2 * Math.max(1, n)]; // dev.ludovic.netlib checks 2n
        double abstol = Linalg.LAPACK.dlamch("S");
        double[] query = new double[1];
        int[] iquery = new int[1];
        Linalg.LAPACK.dsyevr("V", "I", "U", n, a, n, 0, 0, n - k + 1, n, abstol, found, w, z, n, isuppz, query, -1,
                iquery, -1, info);
        Linalg.checkInfo("dsyevr", info);
        double[] work = new double[Math.max(1, (int) query[0])];
        int[] iwork = new int[Math.max(1, iquery[0])];
        Linalg.LAPACK.dsyevr("V", "I", "U", n, a, n, 0, 0, n - k + 1, n, abstol, found, w, z, n, isuppz, work,
                work.length, iwork, iwork.length, info);
        Linalg.checkInfo("dsyevr", info);
        if (found.val != k) {
            throw new IllegalStateException("dsyevr found " + found.val + " eigenvalues, not " + k);
        }
        // LAPACK returns them ascending: reverse.
        double[] values = new double[k];
        double[] vectors = new double[n * k];
        for (int j = 0; j < k; j++) {
            values[j] = w[k - 1 - j];
            System.arraycopy(z, (k - 1 - j) * n, vectors, j * n, n);
        }
        return new SymmetricTop(values, vectors);
    }

    /**
     * The thin SVD of a small column-major m × n matrix with LAPACK's DGESDD: U column-major m × p
     * (leading dimension m), s descending (p), Vᵀ column-major p × n, p = min(m, n).
     *
     * @param a column-major, leading dimension lda; destroyed
     */
    static LapackReference.Svd svd(double[] a, int m, int n, int lda) {
        return LapackReference.thinSvd(a, m, n, lda);
    }
}
