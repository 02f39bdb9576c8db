package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.AlchemistException;
import alchemist.server.worker.InProcessTaskRunner;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * qr(A) by TSQR: Q orthonormal, QR = A, R upper triangular with a non-negative diagonal and equal to
 * LAPACK's DGEQRF R on the whole matrix up to row signs.
 */
class QrTaskTest {

    /**
     * @param condition 0 for a Gaussian matrix, else κ₂(A)
     * @param rTolerance bound on ‖R − R_LAPACK‖_F / ‖A‖_F after matching row signs
     */
    @ParameterizedTest(name = "{0} workers, {1} x {2}, condition {3}")
    @CsvSource({
        "1, 200, 12, 0, 1e-13",
        "2, 200, 12, 0, 1e-13",
        "3, 200, 12, 0, 1e-13",
        "1, 150, 10, 1e8, 1e-12",
        "2, 150, 10, 1e8, 1e-12",
        "3, 150, 10, 1e8, 1e-12",
        "3, 6, 5, 0, 1e-13",      // 2 rows per worker, fewer than n = 5
        "3, 2, 2, 0, 1e-13",      // m = n = 2 on 3 workers: one has no rows
        "3, 1, 1, 0, 1e-13",      // two workers without rows
        "2, 7, 7, 1e6, 1e-12",    // square
        "3, 40, 17, 0, 1e-13",    // 14, 13, 13 rows, all fewer than n = 17
        "1, 20000, 30, 0, 1e-13", // TSQR's first level: 4 chunks of 5000 rows on the one worker
        "2, 30000, 20, 1e8, 1e-12", // 3 chunks per worker, ill-conditioned
        "3, 14000, 8, 0, 1e-13",  // 4667 rows per worker: one chunk each
    })
    void factorsA(int workers, int m, int n, double condition, double rTolerance) {
        Random rnd = new Random(1000L * m + 10L * n + workers);
        double[][] a = condition == 0 ? TestMatrices.gaussian(m, n, rnd) : TestMatrices.withCondition(m, n, condition, rnd);
        InProcessTaskRunner.Result result = Tasks.run(new QrTask(), workers, (Object) a);
        double[][] q = result.matrix("Q");
        double[][] r = result.matrix("R");
        assertEquals(m, q.length);
        assertEquals(n, q[0].length);
        assertEquals(n, r.length);
        assertEquals(n, r[0].length);

        double orthogonality = TestMatrices.maxAbs(TestMatrices.subtract(
                TestMatrices.multiply(TestMatrices.transpose(q), q), TestMatrices.identity(n)));
        assertTrue(orthogonality <= 1e-12, "max |QᵀQ − I| = " + orthogonality);

        double normA = TestMatrices.frobenius(a);
        double residual = TestMatrices.frobenius(TestMatrices.subtract(TestMatrices.multiply(q, r), a));
        assertTrue(residual <= 1e-12 * normA, "‖QR − A‖ / ‖A‖ = " + residual / normA);

        for (int i = 0; i < n; i++) {
            assertTrue(r[i][i] >= 0, "R[" + i + "][" + i + "] = " + r[i][i]);
            for (int j = 0; j < i; j++) {
                assertEquals(0.0, r[i][j], "R[" + i + "][" + j + "] below the diagonal");
            }
        }

        double[][] lapack = TestMatrices.lapackR(a);
        for (int i = 0; i < n; i++) {
            if (lapack[i][i] < 0) {
                for (int j = i; j < n; j++) {
                    lapack[i][j] = -lapack[i][j];
                }
            }
        }
        double rError = TestMatrices.frobenius(TestMatrices.subtract(r, lapack)) / normA;
        assertTrue(rError <= rTolerance, "‖R − R_LAPACK‖ / ‖A‖ = " + rError);
    }

    @Test
    void fewerRowsThanColumnsIsBadArguments() {
        double[][] a = TestMatrices.gaussian(4, 5, new Random(2));
        for (int workers = 1; workers <= 3; workers++) {
            int w = workers;
            AlchemistException e = TestMatrices.assertBadArguments(() -> Tasks.run(new QrTask(), w, (Object) a));
            assertTrue(e.getMessage().contains("4 x 5"), e.getMessage());
        }
    }
}
