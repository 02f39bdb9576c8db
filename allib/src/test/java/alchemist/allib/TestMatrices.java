package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import java.util.Random;
import org.junit.jupiter.api.function.Executable;
import org.netlib.util.intW;

/** Test matrices (double[rows][cols]) and local references: plain Java and LAPACK on the whole matrix. */
final class TestMatrices {
    private TestMatrices() {
    }

    static double[][] gaussian(int m, int n, Random rnd) {
        double[][] a = new double[m][n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return a;
    }

    /**
     * A = Q₁ · diag(σ) · Q₂ᵀ with random orthonormal Q₁ (m × n), Q₂ (n × n) and σ spaced geometrically from 1
     * down to 1/condition, so κ₂(A) = condition and the last columns are nearly dependent.
     */
    static double[][] withCondition(int m, int n, double condition, Random rnd) {
        double[][] q1 = orthonormal(m, n, rnd);
        double[][] q2 = orthonormal(n, n, rnd);
        double[][] a = new double[m][n];
        for (int j = 0; j < n; j++) {
            double sigma = n == 1 ? 1 : Math.pow(condition, -(double) j / (n - 1));
            for (int i = 0; i < m; i++) {
                for (int c = 0; c < n; c++) {
                    a[i][c] += q1[i][j] * sigma * q2[c][j];
                }
            }
        }
        return a;
    }

    /** Random m × n with orthonormal columns: Q of the QR of a Gaussian matrix (DGEQRF, DORGQR). */
    static double[][] orthonormal(int m, int n, Random rnd) {
        double[] a = columnMajor(gaussian(m, n, rnd));
        double[] tau = new double[n];
        double[] work = new double[64 * n];
        intW info = new intW(0);
        Linalg.LAPACK.dgeqrf(m, n, a, m, tau, work, work.length, info);
        Linalg.checkInfo("dgeqrf", info);
        Linalg.LAPACK.dorgqr(m, n, n, a, m, tau, work, work.length, info);
        Linalg.checkInfo("dorgqr", info);
        return fromColumnMajor(a, m, n);
    }

    /** @return the R of LAPACK's DGEQRF on the whole matrix (m ≥ n), n × n, signs as LAPACK leaves them */
    static double[][] lapackR(double[][] a) {
        int m = a.length;
        int n = a[0].length;
        double[] c = columnMajor(a);
        double[] tau = new double[n];
        double[] work = new double[64 * n];
        intW info = new intW(0);
        Linalg.LAPACK.dgeqrf(m, n, c, m, tau, work, work.length, info);
        Linalg.checkInfo("dgeqrf", info);
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                r[i][j] = c[i + j * m];
            }
        }
        return r;
    }

    /** @return LAPACK DGELS's least-squares solution of A x = b, A m × n (m ≥ n), b m × q; n × q */
    static double[][] lapackLeastSquares(double[][] a, double[][] b) {
        int m = a.length;
        int n = a[0].length;
        int q = b[0].length;
        double[] ac = columnMajor(a);
        double[] bc = columnMajor(b);
        double[] work = new double[Math.max(1, (n + q) * 64)];
        intW info = new intW(0);
        Linalg.LAPACK.dgels("N", m, n, q, ac, m, bc, m, work, work.length, info);
        Linalg.checkInfo("dgels", info);
        double[][] x = new double[n][q];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < q; c++) {
                x[i][c] = bc[i + c * m];
            }
        }
        return x;
    }

    /** Plain triple loop. */
    static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                double s = 0;
                for (int t = 0; t < b.length; t++) {
                    s += a[i][t] * b[t][j];
                }
                c[i][j] = s;
            }
        }
        return c;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] subtract(double[][] a, double[][] b) {
        double[][] d = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                d[i][j] = a[i][j] - b[i][j];
            }
        }
        return d;
    }

    static double[][] identity(int n) {
        double[][] e = new double[n][n];
        for (int i = 0; i < n; i++) {
            e[i][i] = 1;
        }
        return e;
    }

    static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    static double maxAbs(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s = Math.max(s, Math.abs(v));
            }
        }
        return s;
    }

    static double[] columnMajor(double[][] a) {
        return alchemist.server.LapackReference.columnMajor(a);
    }

    static double[][] fromColumnMajor(double[] c, int m, int n) {
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = c[i + j * m];
            }
        }
        return a;
    }

    /** Asserts that running the task fails as a client would see bad arguments (ERROR 11). */
    static AlchemistException assertBadArguments(Executable run) {
        AlchemistException e = assertThrows(AlchemistException.class, run);
        assertEquals(ErrorCode.BAD_TASK_ARGUMENTS, e.code(), e.getMessage());
        return e;
    }
}
