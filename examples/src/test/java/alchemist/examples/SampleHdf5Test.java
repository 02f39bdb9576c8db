package alchemist.examples;

import alchemist.client.hdf5.Hdf5Dataset;
import alchemist.client.hdf5.Hdf5File;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleHdf5Test {
    @TempDir
    Path dir;

    /** Reads a whole dataset through Hdf5Dataset in chunks of {@code chunk} rows. */
    private static double[] readAll(Hdf5Dataset d, int chunk) {
        int cols = d.numCols();
        double[] all = new double[(int) d.numRows() * cols];
        double[] buf = new double[chunk * cols];
        for (long row = 0; row < d.numRows(); row += chunk) {
            int n = (int) Math.min(chunk, d.numRows() - row);
            d.readRows(row, n, buf);
            System.arraycopy(buf, 0, all, (int) row * cols, n * cols);
        }
        return all;
    }

    private static double[] flatten(double[][] m) {
        double[] out = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
        }
        return out;
    }

    @Test
    void fileHoldsExactlyWhatTheGeneratorProduces() {
        Path file = SampleHdf5.write(dir.resolve("sample.h5"), 300, 200, 7L);
        try (Hdf5File f = Hdf5File.open(file)) {
            assertEquals(List.of(SampleHdf5.MATRIX, SampleHdf5.SINGULAR_VALUES), f.datasetNames());
            Hdf5Dataset matrix = f.dataset(SampleHdf5.MATRIX);
            assertArrayEquals(new long[] {300, 200}, matrix.shape());
            assertEquals(double.class, matrix.elementType());
            assertArrayEquals(flatten(SampleHdf5.generate(300, 200, 7L)), readAll(matrix, 37), 0.0);

            Hdf5Dataset sv = f.dataset(SampleHdf5.SINGULAR_VALUES);
            assertArrayEquals(new long[] {30, 1}, sv.shape());
            double[] w = readAll(sv, 30);
            for (int k = 0; k < 30; k++) {
                assertEquals(SampleHdf5.weight(k), w[k], 0.0);
            }
        }
    }

    @Test
    void generatorIsDeterministicPerSeed() {
        double[][] a = SampleHdf5.generate(50, 40, 3L);
        assertArrayEquals(flatten(a), flatten(SampleHdf5.generate(50, 40, 3L)), 0.0);
        assertFalse(java.util.Arrays.equals(flatten(a), flatten(SampleHdf5.generate(50, 40, 4L))));
        assertThrows(IllegalArgumentException.class, () -> SampleHdf5.generate(0, 3, 1L));
    }

    /**
     * The matrix is low rank plus small noise: its squared Frobenius norm is the sum of the squared weights (up
     * to the noise), and its top singular values, found by power iteration on {@code A^T A}, are the weights.
     */
    @Test
    void topSingularValuesAreTheWeights() {
        int rows = 300;
        int cols = 200;
        double[][] a = SampleHdf5.generate(rows, cols, 11L);
        double frob2 = 0;
        for (double[] row : a) {
            for (double x : row) {
                frob2 += x * x;
            }
        }
        // The documented weights, 1000 * 0.85^k.
        assertEquals(1000.0, SampleHdf5.weight(0), 1e-9);
        assertEquals(850.0, SampleHdf5.weight(1), 1e-9);
        assertEquals(722.5, SampleHdf5.weight(2), 1e-9);
        double weights2 = 0;
        for (int k = 0; k < SampleHdf5.RANK; k++) {
            weights2 += SampleHdf5.weight(k) * SampleHdf5.weight(k);
        }
        // ||L + E||^2 = ||L||^2 + 2<L, E> + ||E||^2: the cross term has standard deviation 2 NOISE ||L|| (about
        // 3.8), ||E||^2 is about rows * cols * NOISE^2 (0.06). Dropping even the smallest weight would cost
        // weight(29)^2, about 79.
        double noise = SampleHdf5.NOISE;
        double tolerance = 10 * noise * Math.sqrt(weights2) + 2 * rows * cols * noise * noise;
        assertTrue(tolerance < 0.5 * SampleHdf5.weight(29) * SampleHdf5.weight(29));
        assertEquals(weights2, frob2, tolerance);

        double[][] g = new double[cols][cols];
        for (double[] row : a) {
            for (int p = 0; p < cols; p++) {
                for (int q = 0; q < cols; q++) {
                    g[p][q] += row[p] * row[q];
                }
            }
        }
        for (int k = 0; k < 3; k++) {
            double[] v = new double[cols];
            java.util.Arrays.fill(v, 1.0);
            double lambda = 0;
            for (int it = 0; it < 300; it++) {
                double[] next = new double[cols];
                for (int p = 0; p < cols; p++) {
                    double s = 0;
                    for (int q = 0; q < cols; q++) {
                        s += g[p][q] * v[q];
                    }
                    next[p] = s;
                }
                double norm = 0;
                for (double x : next) {
                    norm += x * x;
                }
                norm = Math.sqrt(norm);
                lambda = norm;
                for (int p = 0; p < cols; p++) {
                    v[p] = next[p] / norm;
                }
            }
            double sigma = Math.sqrt(lambda);
            assertEquals(SampleHdf5.weight(k), sigma, 1e-4 * SampleHdf5.weight(k), "singular value " + k);
            for (int p = 0; p < cols; p++) { // deflate
                for (int q = 0; q < cols; q++) {
                    g[p][q] -= lambda * v[p] * v[q];
                }
            }
        }
    }

    @Test
    void rewritingReplacesTheOldFile() {
        Path file = dir.resolve("again.h5");
        SampleHdf5.write(file, 300, 200, 1L);
        SampleHdf5.write(file, 40, 35, 2L);
        try (Hdf5File f = Hdf5File.open(file)) {
            Hdf5Dataset matrix = f.dataset(SampleHdf5.MATRIX);
            assertArrayEquals(new long[] {40, 35}, matrix.shape());
            assertArrayEquals(flatten(SampleHdf5.generate(40, 35, 2L)), readAll(matrix, 9), 0.0);
        }
        assertTrue(file.toFile().length() < 300 * 200 * 8, "old contents left behind: " + file.toFile().length());
    }

    @Test
    void mainWritesTheRequestedShape() {
        Path file = dir.resolve("main.h5");
        SampleHdf5.main(new String[] {file.toString(), "50", "20", "5"});
        try (Hdf5File f = Hdf5File.open(file)) {
            assertArrayEquals(new long[] {50, 20}, f.dataset(SampleHdf5.MATRIX).shape());
            assertArrayEquals(new long[] {20, 1}, f.dataset(SampleHdf5.SINGULAR_VALUES).shape());
            assertArrayEquals(flatten(SampleHdf5.generate(50, 20, 5L)), readAll(f.dataset(SampleHdf5.MATRIX), 50),
                    0.0);
        }
    }
}
