package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.worker.InProcessTaskRunner;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pca against a plain-Java centering and LAPACK's DGESDD of the centered data. */
class PcaTaskTest {
    private static final PcaTask TASK = new PcaTask();

    /** m samples of n correlated features: Gaussian data mixed by a random matrix, plus an offset. */
    static double[][] data(int m, int n, double offset, long seed) {
        double[][] z = SvdReference.gaussian(m, n, seed);
        double[][] mix = SvdReference.gaussian(n, n, seed + 1);
        Random rnd = new Random(seed + 2);
        double[] shift = new double[n];
        for (int j = 0; j < n; j++) {
            shift[j] = offset * (1 + rnd.nextDouble());
        }
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = shift[j];
                for (int l = 0; l < n; l++) {
                    acc += z[i][l] * mix[l][j] / (1 + l);
                }
                a[i][j] = acc;
            }
        }
        return a;
    }

    /** Checks every output against the reference: centering in plain Java, then DGESDD. */
    static void assertPca(double[][] a, int k, int workers, double tol) {
        int m = a.length;
        int n = a[0].length;
        double[] mean = new double[n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                mean[j] += row[j] / m;
            }
        }
        double[][] centered = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                centered[i][j] = a[i][j] - mean[j];
            }
        }
        SvdReference.Svd ref = SvdReference.reference(centered);
        double total = 0;
        for (double s : ref.s()) {
            total += s * s / (m - 1);
        }

        InProcessTaskRunner.Result r = Tasks.run(TASK, workers, a, k);
        double[][] components = r.matrix("components");
        double[] variance = SvdReference.column(r.matrix("explained_variance"));
        double[] ratio = SvdReference.column(r.matrix("explained_variance_ratio"));
        double[] gotMean = SvdReference.column(r.matrix("mean"));
        double[][] scores = r.matrix("scores");
        assertEquals(n, components.length);
        assertEquals(k, components[0].length);
        assertEquals(m, scores.length);
        assertEquals(k, scores[0].length);

        for (int j = 0; j < n; j++) {
            assertEquals(mean[j], gotMean[j], 1e-12 * Math.max(1, Math.abs(mean[j])), "mean " + j);
        }
        double ratioSum = 0;
        for (int l = 0; l < k; l++) {
            double want = ref.s()[l] * ref.s()[l] / (m - 1);
            assertEquals(want, variance[l], tol * want, "variance " + l);
            assertEquals(want / total, ratio[l], tol * want / total, "ratio " + l);
            ratioSum += ratio[l];
        }
        assertTrue(ratioSum <= 1 + 1e-12, "ratios sum to " + ratioSum);
        assertTrue(SvdReference.columnsUpToSign(ref.v(), components, k) <= 1e-8, "components up to sign");
        assertTrue(SvdReference.orthogonality(components) <= 1e-12, "orthonormal components");
        for (int l = 0; l < k; l++) {
            int largest = 0;
            for (int j = 1; j < n; j++) {
                if (Math.abs(components[j][l]) > Math.abs(components[largest][l])) {
                    largest = j;
                }
            }
            assertTrue(components[largest][l] > 0, "component " + l + "'s largest entry is positive");
        }
        double scale = Math.sqrt(variance[0]);
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < k; l++) {
                double want = 0;
                for (int j = 0; j < n; j++) {
                    want += centered[i][j] * components[j][l];
                }
                assertEquals(want, scores[i][l], 1e-10 * scale, "score " + i + ", " + l);
            }
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 3})
    void matchesCenteredSvd(int workers) {
        assertPca(data(500, 12, 3, 21), 4, workers, 1e-9);
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 3})
    void allComponents(int workers) {
        double[][] a = data(300, 10, 1, 22);
        assertPca(a, 10, workers, 1e-9);
        double[][] ratio = Tasks.run(TASK, workers, a, 10).matrix("explained_variance_ratio");
        double sum = 0;
        for (double[] r : ratio) {
            sum += r[0];
        }
        assertEquals(1, sum, 1e-12, "all the variance");
    }

    @Test
    void dataFarFromTheOrigin() {
        // Means about 1e4, spread about 1: AᵀA − m·μμᵀ would lose 8 digits; centering first does not.
        assertPca(data(600, 8, 1e4, 23), 3, 3, 1e-9);
    }

    @Test
    void moreWorkersThanChunksAndRowsInSeveralChunks() {
        // 700 rows on 2 workers: 350 each, two chunks of 256 and 94.
        assertPca(data(700, 5, 2, 24), 2, 2, 1e-9);
        // 3 rows on 3 workers: one row each.
        assertPca(data(3, 5, 2, 25), 2, 3, 1e-9);
    }

    @Test
    void listedInAllib() {
        assertTrue(new Allib().tasks().stream().anyMatch(t -> t.name().equals("pca")));
    }

    @Test
    void badArgumentsGetError11() {
        double[][] a = data(20, 6, 0, 1);
        TruncatedSvdTaskTest.assertBadArguments(() -> Tasks.run(TASK, 2, a, 0));
        TruncatedSvdTaskTest.assertBadArguments(() -> Tasks.run(TASK, 2, a, 7));
        TruncatedSvdTaskTest.assertBadArguments(() -> Tasks.run(TASK, 2, a, "2"));
        TruncatedSvdTaskTest.assertBadArguments(() -> Tasks.run(TASK, 2, (Object) new double[][] {{1, 2}}, 1));
    }
}
