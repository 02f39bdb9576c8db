package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.server.LapackReference;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** allib's randomized_svd through the protocol: named outputs, accuracy against LAPACK, and its error bound. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RandomizedSvdEndToEndTest {

    @Test
    void randomizedSvdMatchesLapackAndItsEstimateBoundsTheError() {
        double[][] a = decaying(600, 60, 0.8, 3);
        int k = 12;
        try (TestServer server = TestServers.start(3);
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(3);
            als.loadLibrary("allib");
            MatrixHandle h = als.sendArray(a);
            TaskResult r = als.runTask("randomized_svd", h, k, 10, 2, 7L);
            assertEquals(List.of("U", "S", "V", "error_estimate"), r.names());
            assertEquals(600, r.matrix("U").numRows());
            assertEquals(k, r.matrix("U").numCols());
            assertEquals(60, r.matrix("V").numRows());
            double[][] u = als.getArray(r.matrix("U"));
            double[][] s = als.getArray(r.matrix("S"));
            double[][] v = als.getArray(r.matrix("V"));
            double estimate = r.doubleValue("error_estimate");

            double[] want = LapackReference.singularValues(a);
            for (int i = 0; i < k; i++) {
                // σᵢ = 0.8^i, l = 22, q = 2: the Ritz values' error is about 0.8^(10·(22 − i)), under 1e-9.
                assertEquals(want[i], s[i][0], 1e-9 * want[i], "sigma " + i);
            }
            double measured = LapackReference.singularValues(residual(a, u, s, v))[0];
            assertTrue(estimate >= measured, "estimate " + estimate + " < measured " + measured);
            assertTrue(estimate >= want[k] && estimate <= 100 * measured,
                    "estimate " + estimate + " vs measured " + measured + " and sigma_k+1 " + want[k]);
            // The defaults (oversampling 10, 2 power iterations, seed 0) give the same σ's to the same accuracy.
            double[][] byDefault = als.getArray(als.runTask("randomized_svd", h, k).matrix("S"));
            assertEquals(want[0], byDefault[0][0], 1e-9 * want[0]);

            AlchemistException bad = org.junit.jupiter.api.Assertions.assertThrows(AlchemistException.class,
                    () -> als.runTask("randomized_svd", h, k, -1));
            assertEquals(ErrorCode.BAD_TASK_ARGUMENTS, bad.code());
            assertTrue(bad.getMessage().contains("oversampling = -1 must be >= 0"), bad.getMessage());
        }
    }

    /** @return a Gaussian matrix times diag(ratio^j) on the right: singular values decaying about geometrically */
    private static double[][] decaying(int m, int n, double ratio, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        double[][] a = new double[m][n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian() * Math.pow(ratio, j);
            }
        }
        return a;
    }

    /** @return A − U·diag(S)·Vᵀ */
    private static double[][] residual(double[][] a, double[][] u, double[][] s, double[][] v) {
        double[][] e = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                double acc = a[i][j];
                for (int l = 0; l < s.length; l++) {
                    acc -= u[i][l] * s[l][0] * v[j][l];
                }
                e[i][j] = acc;
            }
        }
        return e;
    }
}
