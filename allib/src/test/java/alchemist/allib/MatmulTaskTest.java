package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.AlchemistException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** matmul(A, B) against a plain triple loop. */
class MatmulTaskTest {

    @ParameterizedTest(name = "{0} workers, A {1} x {2}, B {2} x {3}")
    @CsvSource({
        "1, 57, 13, 7",
        "2, 57, 13, 7",
        "3, 57, 13, 7",
        "3, 10, 2, 4",   // B has 2 rows on 3 workers: one holds none of B
        "3, 2, 5, 3",    // A has 2 rows on 3 workers: one holds none of A or C
        "2, 40, 1, 1",
        "3, 31, 64, 33",
    })
    void matchesTripleLoop(int workers, int m, int n, int p) {
        Random rnd = new Random(31L * m + n + p + workers);
        double[][] a = TestMatrices.gaussian(m, n, rnd);
        double[][] b = TestMatrices.gaussian(n, p, rnd);
        double[][] c = Tasks.run(new MatmulTask(), workers, a, b).matrix("C");
        double[][] want = TestMatrices.multiply(a, b);
        assertEquals(m, c.length);
        assertEquals(p, c[0].length);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                // Relative to Σ|a_it||b_tj|, the scale of the rounding error of any summation order.
                double scale = 0;
                for (int t = 0; t < n; t++) {
                    scale += Math.abs(a[i][t] * b[t][j]);
                }
                assertEquals(want[i][j], c[i][j], 1e-12 * scale, "C[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void shapeMismatchIsBadArguments() {
        Random rnd = new Random(1);
        double[][] a = TestMatrices.gaussian(20, 4, rnd);
        double[][] b = TestMatrices.gaussian(5, 3, rnd);
        for (int workers = 1; workers <= 3; workers++) {
            int w = workers;
            AlchemistException e = TestMatrices.assertBadArguments(() -> Tasks.run(new MatmulTask(), w, a, b));
            assertTrue(e.getMessage().contains("20 x 4") && e.getMessage().contains("5 x 3"), e.getMessage());
        }
    }
}
