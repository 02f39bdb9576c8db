package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.AlchemistException;
import alchemist.server.worker.InProcessTaskRunner;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** least_squares(A, b) against LAPACK's DGELS on the whole matrix, and its residual norm recomputed. */
class LeastSquaresTaskTest {

    /**
     * @param condition  0 for a Gaussian A, else κ₂(A)
     * @param consistent whether b = A·x_true exactly (zero residual) rather than Gaussian
     * @param xTolerance bound on ‖x − x_DGELS‖ / ‖x_DGELS‖
     */
    @ParameterizedTest(name = "{0} workers, {1} x {2}, {3} right-hand sides, condition {4}, consistent {5}")
    @CsvSource({
        "1, 300, 10, 1, 0, false, 1e-10",
        "2, 300, 10, 1, 0, false, 1e-10",
        "3, 300, 10, 1, 0, false, 1e-10",
        "2, 120, 6, 3, 0, false, 1e-10",    // several right-hand sides
        "3, 6, 5, 1, 0, false, 1e-10",      // 2 rows per worker, fewer than n
        "3, 2, 2, 1, 0, false, 1e-10",      // square, one worker without rows
        // κ = 1e8: both solvers are backward stable, so each x is within O(κ·ε) ≈ 2e-8 of the true solution
        // for a zero residual (measured: 2e-10 to 6e-10 apart), and within O(κ·ε + κ²·ε·‖r‖/(‖A‖‖x‖))
        // ≈ 3e-7 here with a residual (measured: 5e-9 apart).
        "1, 200, 8, 1, 1e8, true, 1e-7",
        "2, 200, 8, 1, 1e8, true, 1e-7",
        "3, 200, 8, 1, 1e8, true, 1e-7",
        "3, 200, 8, 1, 1e8, false, 1e-6",
    })
    void matchesDgels(int workers, int m, int n, int q, double condition, boolean consistent, double xTolerance) {
        Random rnd = new Random(7L * m + n + 13L * q + workers + (consistent ? 1 : 0));
        double[][] a = condition == 0 ? TestMatrices.gaussian(m, n, rnd) : TestMatrices.withCondition(m, n, condition, rnd);
        double[][] b = consistent ? TestMatrices.multiply(a, TestMatrices.gaussian(n, q, rnd)) : TestMatrices.gaussian(m, q, rnd);

        InProcessTaskRunner.Result result = Tasks.run(new LeastSquaresTask(), workers, a, b);
        double[][] x = result.matrix("x");
        double residualNorm = (Double) result.scalar("residual_norm");
        assertEquals(n, x.length);
        assertEquals(q, x[0].length);

        double[][] reference = TestMatrices.lapackLeastSquares(a, b);
        double xError = TestMatrices.frobenius(TestMatrices.subtract(x, reference)) / TestMatrices.frobenius(reference);
        assertTrue(xError <= xTolerance, "‖x − x_DGELS‖ / ‖x_DGELS‖ = " + xError);

        double normA = TestMatrices.frobenius(a);
        double normB = TestMatrices.frobenius(b);
        double mine = TestMatrices.frobenius(TestMatrices.subtract(TestMatrices.multiply(a, x), b));
        double lapacks = TestMatrices.frobenius(TestMatrices.subtract(TestMatrices.multiply(a, reference), b));
        double scale = normA * TestMatrices.frobenius(x) + normB;
        // The reported norm is ‖Ax − b‖ for the returned x, up to the rounding of forming Ax − b.
        assertEquals(mine, residualNorm, 1e-13 * scale, "residual_norm");
        // x minimizes as well as DGELS's does (backward stability: within O(ε)·(‖A‖‖x‖ + ‖b‖)).
        assertTrue(mine <= lapacks + 1e-13 * scale, "‖Ax − b‖ = " + mine + ", DGELS's " + lapacks);
    }

    @Test
    void rowMismatchIsBadArguments() {
        Random rnd = new Random(3);
        double[][] a = TestMatrices.gaussian(30, 4, rnd);
        double[][] b = TestMatrices.gaussian(29, 1, rnd);
        for (int workers = 1; workers <= 3; workers++) {
            int w = workers;
            AlchemistException e = TestMatrices.assertBadArguments(
                    () -> Tasks.run(new LeastSquaresTask(), w, a, b));
            assertTrue(e.getMessage().contains("30 x 4") && e.getMessage().contains("29 x 1"), e.getMessage());
        }
    }

    @Test
    void wideMatrixIsBadArguments() {
        Random rnd = new Random(4);
        double[][] a = TestMatrices.gaussian(3, 4, rnd);
        double[][] b = TestMatrices.gaussian(3, 1, rnd);
        TestMatrices.assertBadArguments(() -> Tasks.run(new LeastSquaresTask(), 2, a, b));
    }

    @Test
    void rankDeficientMatrixIsBadArguments() {
        Random rnd = new Random(5);
        double[][] a = TestMatrices.gaussian(20, 3, rnd);
        for (double[] row : a) {
            row[1] = 0;
        }
        double[][] b = TestMatrices.gaussian(20, 1, rnd);
        AlchemistException e = TestMatrices.assertBadArguments(
                () -> Tasks.run(new LeastSquaresTask(), 3, a, b));
        assertTrue(e.getMessage().contains("rank deficient"), e.getMessage());
    }
}
