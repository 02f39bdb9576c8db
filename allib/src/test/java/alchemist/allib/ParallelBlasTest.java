package alchemist.allib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.worker.WorkerThreads;
import alchemist.task.Parallel;
import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ParallelBlas's kernels against one plain DSYRK or DGEMM (equal to rounding), and bit-identical on 1, 2, 3
 * and 5 threads, on real OpenBLAS.
 */
class ParallelBlasTest {
    private static final int[] THREADS = {1, 2, 3, 5};

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"0, 5", "7, 1", "1, 513", "30, 256", "50, 300", "40, 600", "200, 1000"})
    void theTiledGramianIsDsyrksToRoundingOnAnyThreads(int rows, int n) {
        double[] a = random(rows * n, rows + n);
        double[] want = new double[n * n];
        if (rows > 0) {
            Linalg.BLAS.dsyrk("U", "N", n, rows, 1.0, a, n, 0.0, want, n);
            Linalg.symmetrizeFromUpper(want, n);
        }
        double[] serial = ParallelBlas.gramian(Parallel.serial(), a, rows, n);
        assertClose(want, serial, 1e-13 * Math.max(1, rows), "gramian vs DSYRK");
        if (n <= GramianTiles.WIDTH) {
            assertArrayEquals(want, serial, "one tile is the plain DSYRK");
        }
        assertArrayEquals(serial, Linalg.localGramian(a, rows, n), "localGramian is the 1-thread case");
        sameOnAnyThreads(serial, p -> ParallelBlas.gramian(p, a, rows, n), "gramian");
    }

    @ParameterizedTest(name = "{0} x {1}, b = {2}")
    @CsvSource({"0, 7, 3", "9, 1, 2", "5000, 1, 3", "20000, 100, 40", "7001, 333, 17"})
    void theSplitProductsAreOneDgemmToRoundingOnAnyThreads(int rows, int n, int b) {
        double[] a = random(rows * n, 1);
        int ldRows = Math.max(1, rows) + 3; // leading dimensions above the minimum, with offsets
        int off = 5;

        double[] x = random(off + (n + 2) * b, 2);
        double[] wantAx = new double[off + ldRows * b];
        Dense.gemm("T", "N", rows, b, n, 1, a, 0, n, x, off, n + 2, 0, wantAx, off, ldRows);
        double[] ax = new double[off + ldRows * b];
        ParallelBlas.times(Parallel.serial(), a, rows, n, x, off, n + 2, b, ax, off, ldRows);
        assertClose(wantAx, ax, 1e-12 * n, "A·X");
        sameOnAnyThreads(ax, p -> {
            double[] c = new double[off + ldRows * b];
            ParallelBlas.times(p, a, rows, n, x, off, n + 2, b, c, off, ldRows);
            return c;
        }, "A·X");

        double[] y = random(off + ldRows * b, 3);
        double[] wantAty = new double[off + (n + 1) * b];
        Dense.gemm("N", "N", n, b, rows, 1, a, 0, n, y, off, ldRows, 0, wantAty, off, n + 1);
        double[] aty = new double[off + (n + 1) * b];
        ParallelBlas.transposeTimes(Parallel.serial(), a, rows, n, y, off, ldRows, b, aty, off, n + 1);
        assertClose(wantAty, aty, 1e-12 * Math.max(1, rows), "Aᵀ·Y");
        sameOnAnyThreads(aty, p -> {
            double[] c = new double[off + (n + 1) * b];
            ParallelBlas.transposeTimes(p, a, rows, n, y, off, ldRows, b, c, off, n + 1);
            return c;
        }, "Aᵀ·Y");

        double[] bRow = random(n * b, 4);
        double[] c0 = random(rows * b, 5);
        double[] wantRow = c0.clone();
        Dense.gemm("N", "N", b, rows, n, 1, bRow, 0, b, a, 0, n, -1, wantRow, 0, b);
        sameOnAnyThreads(wantRow, p -> {
            double[] c = c0.clone();
            ParallelBlas.timesRowMajor(p, a, rows, n, bRow, b, -1, c);
            return c;
        }, "A·B - C row-major", 1e-12 * n);
        if (rows > 0) {
            double want00 = -c0[0];
            for (int t = 0; t < n; t++) {
                want00 += a[t] * bRow[t * b];
            }
            assertEquals(want00, wantRow[0], 1e-12 * n, "row-major C[0][0] by hand");
        }

        double[] yRow = random(rows * b, 6);
        double[] wantTRow = new double[n * b];
        Dense.gemm("N", "T", b, n, rows, 1, yRow, 0, b, a, 0, n, 0, wantTRow, 0, b);
        sameOnAnyThreads(wantTRow, p -> {
            double[] c = new double[n * b];
            ParallelBlas.transposeTimesRowMajor(p, a, rows, n, yRow, b, c);
            return c;
        }, "Aᵀ·Y row-major", 1e-12 * Math.max(1, rows));
    }

    /** Aᵀ·(A·X) in one pass, against the two products: equal to rounding, and bit-identical on any threads. */
    @ParameterizedTest(name = "{0} x {1}, b = {2}")
    @CsvSource({"0, 7, 3", "1, 5, 2", "127, 40, 3", "129, 40, 3", "5000, 300, 20", "20000, 64, 7",
        "30, 200000, 21"}) // the last: Z of more than GRAMIAN_TIMES_MAX_FUSED values, two passes
    void theGramianTimesIsBothProductsToRoundingOnAnyThreads(int rows, int n, int b) {
        double[] a = random(rows * n, 11);
        int ldx = n + 2;
        double[] x = random(ldx * b, 12);
        double[] ax = new double[Math.max(1, rows) * b];
        Dense.gemm("T", "N", rows, b, n, 1, a, 0, n, x, 0, ldx, 0, ax, 0, Math.max(1, rows));
        double[] want = new double[n * b];
        Dense.gemm("N", "N", n, b, rows, 1, a, 0, n, ax, 0, Math.max(1, rows), 0, want, 0, n);
        double[] got = random(n * b, 13); // overwritten
        ParallelBlas.gramianTimes(Parallel.serial(), a, rows, n, x, ldx, b, got);
        assertClose(want, got, 1e-12 * Math.max(1, rows) * n, "Aᵀ·(A·X)");
        sameOnAnyThreads(got, p -> {
            double[] z = new double[n * b];
            ParallelBlas.gramianTimes(p, a, rows, n, x, ldx, b, z);
            return z;
        }, "Aᵀ·(A·X)");
    }

    @Test
    void theCutsDependOnTheSizesAlone() {
        assertArrayEquals(new int[] {0, 150, 300}, GramianTiles.edges(300));
        assertArrayEquals(new int[] {0, 256}, GramianTiles.edges(256));
        assertArrayEquals(new int[] {0}, Blocks.edges(0, 1L << 40));
        assertArrayEquals(new int[] {0, 10}, Blocks.edges(10, 0), "too little work for two pieces");
        assertEquals(Blocks.MAX_PIECES + 1, Blocks.edges(1_000_000, 1L << 40).length);
    }

    /**
     * One worker with 2 threads against 1 on a Gramian of 4 × 4 tiles (the machine has 2 cores). Best of a
     * few tries: the machine is shared.
     */
    @Test
    void twoThreadsMakeABigGramianFaster() {
        int rows = 4000;
        int n = 1024; // n²·rows = 4.2e9 flops a Gramian; two of them a try
        double[] a = random(rows * n, 7);
        try (WorkerThreads one = WorkerThreads.start("gram-1", 1);
                WorkerThreads two = WorkerThreads.start("gram-2", 2)) {
            ParallelBlas.gramian(two, a, rows, n); // warm up
            double bestOne = Double.MAX_VALUE;
            double bestTwo = Double.MAX_VALUE;
            StringBuilder figures = new StringBuilder();
            for (int attempt = 0; attempt < 10 && !(bestTwo < 0.75 * bestOne); attempt++) {
                double t1 = time(() -> ParallelBlas.gramian(one, a, rows, n));
                double t2 = time(() -> ParallelBlas.gramian(two, a, rows, n));
                bestOne = Math.min(bestOne, t1);
                bestTwo = Math.min(bestTwo, t2);
                figures.append(String.format(" [1 thread %.3f s, 2 threads %.3f s]", t1, t2));
            }
            System.out.println("Gramian " + rows + " x " + n + ", best 1 thread " + bestOne + " s, 2 threads " + bestTwo
                    + " s:" + figures);
            assertTrue(bestTwo < 0.85 * bestOne, "2 threads should beat 1 on 2 cores: best " + bestTwo + " s against "
                    + bestOne + " s;" + figures + "; load average " + ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage() + " (other work on all cores hides any speed-up)");
        }
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void sameOnAnyThreads(double[] serial, Function<Parallel, double[]> compute, String what) {
        for (int t : THREADS) {
            try (WorkerThreads threads = WorkerThreads.start("test", t)) {
                assertArrayEquals(serial, compute.apply(threads), what + " on " + t + " threads, bit for bit");
            }
        }
    }

    private static void sameOnAnyThreads(double[] want, Function<Parallel, double[]> compute, String what,
            double tolerance) {
        double[] serial = compute.apply(Parallel.serial());
        assertClose(want, serial, tolerance, what + " vs one DGEMM");
        sameOnAnyThreads(serial, compute, what);
    }

    private static void assertClose(double[] want, double[] got, double tolerance, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tolerance * Math.max(1, Math.abs(want[i])), what + " at " + i);
        }
    }

    private static double[] random(int size, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }
}
