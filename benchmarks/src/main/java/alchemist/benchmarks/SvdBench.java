package alchemist.benchmarks;

import alchemist.client.AlchemistSession;
import alchemist.client.MatrixHandle;
import alchemist.client.RowSource;
import alchemist.client.TaskResult;
import alchemist.server.AlchemistServer;
import alchemist.server.NativeLinalg;
import dev.ludovic.netlib.blas.BLAS;
import java.nio.file.Path;

/**
 * allib's {@code truncated_svd} on an embedded server against what the hardware allows, in one run:
 * <ul>
 *   <li><b>allib</b>: the task's wall time for an m × n matrix on k workers (the matrix is sent first, untimed
 *       here: TransferBench measures transfer);</li>
 *   <li><b>LAPACK reference</b>: one process, the same Gramian algorithm with every core: DSYRK on the whole
 *       matrix, DSYEVR for the top k, U = A·V·Σ⁻¹ by DGEMM; its singular values are the reference;</li>
 *   <li><b>peaks</b>: DGEMM and DSYRK GFLOP/s of this machine's BLAS; the DSYRK-bound time m·n²/rate is the
 *       floor for any Gramian SVD, and the ratio allib / floor says how close the task comes.</li>
 * </ul>
 * With {@code --mpi-connection-file F} the same matrix also goes to a running MPI server (started with
 * {@code bin/alchemist-server --mpi --workers N --connection-file F}), and the table compares the two.
 * <pre>SvdBench [--rows 200000] [--cols 1000] [--k 20] [--workers 2] [--repeats 3] [--library-dir allib/target]
 *          [--mpi-connection-file F] [--quick]</pre>
 */
public final class SvdBench {
    private static final BLAS BLAS_ = BLAS.getInstance();

    private SvdBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 200_000;
        int cols = 1_000;
        int k = 20;
        int workers = 2;
        int repeats = 3;
        Path libraryDir = Path.of("allib/target");
        Path mpiConnectionFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--cols" -> cols = Integer.parseInt(args[++i]);
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--library-dir" -> libraryDir = Path.of(args[++i]);
                case "--mpi-connection-file" -> mpiConnectionFile = Path.of(args[++i]);
                case "--quick" -> {
                    rows = 4_000;
                    cols = 100;
                    repeats = 1;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf("SvdBench: %d x %d, k = %d, %d embedded workers, %s%n", rows, cols, k, workers,
                NativeLinalg.describe());
        double dgemm = dgemmGflops(Math.min(2000, Math.max(200, cols * 2)));
        double dsyrk = dsyrkGflops(Math.min(rows, 50_000), cols);
        TransferBench.CyclicSource source = new TransferBench.CyclicSource(rows, cols);

        double[] allib = new double[k];
        double best;
        try (AlchemistServer server = AlchemistServer.builder().workers(workers).libraryDir(libraryDir).start();
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            best = timeTruncatedSvd(als, "embedded", workers, source, k, repeats, allib);
        }
        double mpiBest = Double.NaN;
        double[] mpiS = new double[k];
        if (mpiConnectionFile != null) {
            try (AlchemistSession als = new AlchemistSession()) {
                als.connect(mpiConnectionFile);
                mpiBest = timeTruncatedSvd(als, "MPI", workers, source, k, repeats, mpiS);
            }
        }

        HeldMatrix a = HeldMatrix.read(source);
        long t0 = System.nanoTime();
        double[] reference = a.gramianSvd(k);
        double lapackSeconds = (System.nanoTime() - t0) / 1e9;

        double worst = 0;
        double mpiWorst = 0;
        for (int i = 0; i < k; i++) {
            worst = Math.max(worst, Math.abs(allib[i] - reference[i]) / reference[i]);
            mpiWorst = Math.max(mpiWorst, Math.abs(mpiS[i] - allib[i]) / allib[i]);
        }
        double flops = (double) rows * cols * cols + 4.0 * rows * cols * k; // DSYRK + A·V and the refinement's products
        double floor = (double) rows * cols * cols / (dsyrk * 1e9);
        System.out.println();
        System.out.printf("| what | seconds | GFLOP/s |%n|---|---|---|%n");
        System.out.printf("| allib truncated_svd (best of %d), %d workers | %.2f | %.1f |%n", repeats, workers, best, flops / best / 1e9);
        if (mpiConnectionFile != null) {
            System.out.printf("| allib truncated_svd on MPI (best of %d), %d workers | %.2f | %.1f |%n", repeats, workers,
                    mpiBest, flops / mpiBest / 1e9);
        }
        System.out.printf("| single-process LAPACK (DSYRK + DSYEVR + DGEMM) | %.2f | %.1f |%n", lapackSeconds, flops / lapackSeconds / 1e9);
        System.out.printf("| DSYRK-bound time m·n²/rate | %.2f | %.1f (DSYRK) |%n", floor, dsyrk);
        System.out.printf("| DGEMM peak | | %.1f |%n", dgemm);
        System.out.printf("%nallib / DSYRK-bound = %.2f; allib / LAPACK = %.2f; max relative difference of the %d singular values = %.1e%n",
                best / floor, best / lapackSeconds, k, worst);
        if (mpiConnectionFile != null) {
            System.out.printf("MPI / embedded = %.2f; max relative difference of S between them = %.1e%n",
                    mpiBest / best, mpiWorst);
        }
        System.out.printf("sigma_1 = %.6e, sigma_%d = %.6e%n", reference[0], k, reference[k - 1]);
    }

    /**
     * Requests workers, loads allib, sends the matrix (untimed) and times truncated_svd after one warm-up run.
     *
     * @param sOut receives the singular values
     * @return the best time in seconds
     */
    static double timeTruncatedSvd(AlchemistSession als, String where, int workers, RowSource source, int k, int repeats,
            double[] sOut) {
        als.requestWorkers(workers);
        als.loadLibrary("allib", "");
        MatrixHandle a = als.send(source);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < repeats + 1; r++) { // the first run warms up
            long t0 = System.nanoTime();
            TaskResult svd = als.runTask("truncated_svd", a, k);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[][] s = als.getArray(svd.matrix("S"));
            for (int i = 0; i < k; i++) {
                sOut[i] = s[i][0];
            }
            freeMatrices(als, svd);
            if (r > 0) {
                best = Math.min(best, seconds);
                System.out.printf("  allib truncated_svd (%s) run %d: %.2f s%n", where, r, seconds);
            }
        }
        als.freeMatrix(a);
        als.yieldWorkers();
        return best;
    }

    /** Frees a task's matrix outputs (its scalars, such as truncated_svd's method, need nothing). */
    static void freeMatrices(AlchemistSession als, TaskResult result) {
        result.asMap().values().stream().filter(MatrixHandle.class::isInstance)
                .forEach(h -> als.freeMatrix((MatrixHandle) h));
    }

    static double dgemmGflops(int n) {
        double[] x = new double[n * n];
        double[] c = new double[n * n];
        java.util.Arrays.fill(x, 1.0 / n);
        double best = 0;
        for (int r = 0; r < 4; r++) {
            long t0 = System.nanoTime();
            BLAS_.dgemm("N", "N", n, n, n, 1.0, x, n, x, n, 0.0, c, n);
            best = Math.max(best, 2.0 * n * n * n / (System.nanoTime() - t0));
        }
        return best;
    }

    static double dsyrkGflops(int m, int n) {
        double[] a = new double[m * n];
        java.util.Arrays.fill(a, 1.0 / n);
        double[] g = new double[n * n];
        double best = 0;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            BLAS_.dsyrk("U", "N", n, m, 1.0, a, n, 0.0, g, n);
            best = Math.max(best, (double) m * n * n / (System.nanoTime() - t0));
        }
        return best;
    }
}
