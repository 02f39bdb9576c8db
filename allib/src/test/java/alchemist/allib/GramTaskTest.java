package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** gram(A) against a plain triple loop. */
class GramTaskTest {

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 3})
    void gramianMatchesPlainJava(int workers) {
        Random rnd = new Random(workers);
        double[][] a = new double[101][13];
        for (double[] row : a) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        double[][] g = Tasks.run(new GramTask(), workers, (Object) a).matrix("G");
        for (int i = 0; i < 13; i++) {
            for (int j = 0; j < 13; j++) {
                double want = 0;
                for (double[] row : a) {
                    want += row[i] * row[j];
                }
                assertEquals(want, g[i][j], 1e-12 * Math.max(1, Math.abs(want)), "G[" + i + "][" + j + "]");
            }
        }
    }
}
