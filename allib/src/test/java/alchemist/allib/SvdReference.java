package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.LapackReference;
import java.util.Random;
import org.netlib.util.intW;

/** Test matrices and a reference SVD computed on the whole matrix with LAPACK's DGESDD. */
final class SvdReference {
    private SvdReference() {
    }

    /** A thin SVD: s descending (p = min(m, n)), u m × p and v n × p as arrays of rows. */
    record Svd(double[] s, double[][] u, double[][] v) {
    }

    static double[][] gaussian(int m, int n, long seed) {
        Random rnd = new Random(seed);
        double[][] a = new double[m][n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return a;
    }

    /** @return an m × p matrix with orthonormal columns: Q of the Householder QR of a Gaussian matrix */
    static double[][] orthonormal(int m, int p, long seed) {
        double[] a = TestMatrices.columnMajor(gaussian(m, p, seed));
        double[] tau = new double[p];
        double[] work = new double[64 * p + 64];
        intW info = new intW(0);
        Linalg.LAPACK.dgeqrf(m, p, a, m, tau, work, work.length, info);
        assertTrue(info.val == 0, "dgeqrf");
        Linalg.LAPACK.dorgqr(m, p, p, a, m, tau, work, work.length, info);
        assertTrue(info.val == 0, "dorgqr");
        return TestMatrices.fromColumnMajor(a, m, p);
    }

    /** @return Q₁·diag(sigma)·Q₂ᵀ with random orthonormal Q₁ (m × p) and Q₂ (n × p), p = sigma.length */
    static double[][] withSpectrum(int m, int n, double[] sigma, long seed) {
        int p = sigma.length;
        double[][] q1 = orthonormal(m, p, seed);
        double[][] q2 = orthonormal(n, p, seed + 1);
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int l = 0; l < p; l++) {
                    acc += q1[i][l] * sigma[l] * q2[j][l];
                }
                a[i][j] = acc;
            }
        }
        return a;
    }

    /** @return DGESDD's thin SVD of the whole matrix */
    static Svd reference(double[][] a) {
        int m = a.length;
        int n = a[0].length;
        int p = Math.min(m, n);
        LapackReference.Svd svd = LapackReference.thinSvd(a);
        double[][] v = new double[n][p];
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < p; l++) {
                v[j][l] = svd.vt()[l + j * p];
            }
        }
        return new Svd(svd.s(), TestMatrices.fromColumnMajor(svd.u(), m, p), v);
    }

    /** @return max over i of |got[i] − want[i]| / want[i], over the first {@code count} values */
    static double maxRelativeError(double[] want, double[] got, int count) {
        double max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, Math.abs(got[i] - want[i]) / want[i]);
        }
        return max;
    }

    /** @return the S output (k × 1) as a vector */
    static double[] column(double[][] s) {
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i][0];
        }
        return out;
    }

    /** @return ‖XᵀX − I‖max for X with k columns */
    static double orthogonality(double[][] x) {
        int k = x[0].length;
        double max = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double acc = 0;
                for (double[] row : x) {
                    acc += row[i] * row[j];
                }
                max = Math.max(max, Math.abs(acc - (i == j ? 1 : 0)));
            }
        }
        return max;
    }

    /** @return ‖A·V − U·diag(s)‖max */
    static double residual(double[][] a, double[][] u, double[] s, double[][] v) {
        int k = s.length;
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int l = 0; l < k; l++) {
                double acc = 0;
                for (int j = 0; j < a[0].length; j++) {
                    acc += a[i][j] * v[j][l];
                }
                max = Math.max(max, Math.abs(acc - u[i][l] * s[l]));
            }
        }
        return max;
    }

    /** @return max |(AᵀU − V·diag(s))ᵢₗ| over the first k columns: the residual on the other side */
    static double transposeResidual(double[][] a, double[][] u, double[] s, double[][] v, int k) {
        double max = 0;
        for (int j = 0; j < a[0].length; j++) {
            for (int l = 0; l < k; l++) {
                double acc = 0;
                for (int i = 0; i < a.length; i++) {
                    acc += a[i][j] * u[i][l];
                }
                max = Math.max(max, Math.abs(acc - v[j][l] * s[l]));
            }
        }
        return max;
    }

    /** @return max over the first k columns of min(‖x − y‖max, ‖x + y‖max): equality up to column sign */
    static double columnsUpToSign(double[][] want, double[][] got, int k) {
        double max = 0;
        for (int l = 0; l < k; l++) {
            double plus = 0;
            double minus = 0;
            for (int i = 0; i < want.length; i++) {
                plus = Math.max(plus, Math.abs(got[i][l] - want[i][l]));
                minus = Math.max(minus, Math.abs(got[i][l] + want[i][l]));
            }
            max = Math.max(max, Math.min(plus, minus));
        }
        return max;
    }
}
