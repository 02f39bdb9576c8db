package alchemist.benchmarks;

import alchemist.benchmarks.SvdVsMllibResults.Row;
import alchemist.examples.GeneratedMatrix;
import alchemist.examples.MllibSvd;
import alchemist.examples.SingularValues;
import alchemist.server.NativeLinalg;
import alchemist.spark.AlMatrix;
import alchemist.spark.AlchemistContext;
import alchemist.spark.AlchemistSVD;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Alchemist's truncated SVD against MLlib's, on the same cached {@code IndexedRowMatrix} in one Spark
 * application (local[2]), for each matrix size:
 * <ul>
 *   <li><b>MLlib auto</b>: {@code computeSVD(k, true, 1e-9)}, what a job calls (ARPACK over distributed
 *       AᵀA·v products for these shapes), until U is in Spark's storage;</li>
 *   <li><b>MLlib local-eigs</b>: the Gramian gathered on the driver and decomposed by LAPACK there;</li>
 *   <li><b>Alchemist embedded</b>: {@link AlchemistSVD#run} on an embedded server with {@code --workers}
 *       workers: send, compute, fetch U back into Spark's storage;</li>
 *   <li><b>Alchemist MPI</b> with {@code --mpi-connection-file F}: the same on a running MPI server;</li>
 *   <li><b>transfer</b>: the whole matrix sent from the executors and fetched back by them, against raw
 *       loopback TCP with as many streams as workers ({@link RawLoopback}), the same bytes.</li>
 * </ul>
 * Each method runs up to {@code --repeats} times (fewer once a run takes over {@code --long-run} seconds) and
 * keeps its best (the spread of the runs is printed); agreement is the largest relative difference of each method's singular values from MLlib
 * auto's. The matrix is {@link GeneratedMatrix} (a decaying spectrum; {@code --decay 0} for a flat one), made once per size and cached in
 * memory before anything is timed; a small size (20,000 × max(100, 2k)) runs every method once first, untimed, as a warm-up (not with
 * {@code --quick}, which only keeps the benchmark working). Writes
 * {@code svd-vs-mllib.csv} and {@code svd-vs-mllib.png} to {@code --out} and prints the Markdown table.
 * <pre>SvdVsMllib [--sizes 100000x100,20000x1000,200000x500,200000x1000] [--k 20] [--repeats 3] [--long-run 60]
 *            [--workers 2] [--decay 0.5] [--library-dir allib/target] [--mpi-connection-file F] [--out DIR] [--quick]</pre>
 */
public final class SvdVsMllib {
    private static final int MESSAGE_BYTES = 4 << 20;

    private final SparkSession spark;
    private final JavaSparkContext jsc;
    private final int k;
    private final int repeats;
    private final double longRun;
    private final int workers;
    private final double decay;
    private final SvdVsMllibResults results = new SvdVsMllibResults();

    private SvdVsMllib(SparkSession spark, int k, int repeats, double longRun, int workers, double decay) {
        this.spark = spark;
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.k = k;
        this.repeats = repeats;
        this.longRun = longRun;
        this.workers = workers;
        this.decay = decay;
    }

    /** The outcome of a method: its singular values and times (the best of {@code runs} runs). */
    private record Outcome(double[] s, double seconds, double send, double compute, double fetch, int runs) {
        Outcome withRuns(int n) {
            return new Outcome(s, seconds, send, compute, fetch, n);
        }
    }

    public static void main(String[] args) throws Exception {
        String sizes = "100000x100,20000x1000,200000x500,200000x1000";
        boolean warmUp = true;
        int k = 20;
        int repeats = 3;
        double longRun = 60;
        int workers = 2;
        double decay = GeneratedMatrix.DEFAULT_DECAY;
        Path libraryDir = Path.of("allib/target");
        Path mpiConnectionFile = null;
        Path out = Path.of("benchmarks/target/svd-vs-mllib");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = args[++i];
                case "--k" -> k = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--long-run" -> longRun = Double.parseDouble(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--decay" -> decay = Double.parseDouble(args[++i]);
                case "--library-dir" -> libraryDir = Path.of(args[++i]);
                case "--mpi-connection-file" -> mpiConnectionFile = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--quick" -> { // small enough for CI (MLlib auto picks local-eigs for n < 100); flags after it override
                    sizes = "3000x40,2000x60";
                    warmUp = false;
                    k = 5;
                    repeats = 1;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --sizes MxN,... "
                        + "--k N --repeats N --long-run S --workers N --decay D --library-dir D --mpi-connection-file F --out DIR --quick");
            }
        }
        Files.createDirectories(out);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("SvdVsMllib")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            System.out.printf("SvdVsMllib %s: k = %d, matrices %s, best of up to %d (1 run past %.0f s), Spark %s "
                    + "local[2], %d embedded workers, max heap %,d MiB, load average %s, %s%n", ZonedDateTime.now(), k,
                    new GeneratedMatrix(1, 1, 1, decay), repeats, longRun, spark.version(), workers,
                    Runtime.getRuntime().maxMemory() >> 20, loadAverage(), NativeLinalg.describe());
            SvdVsMllib bench = new SvdVsMllib(spark, k, repeats, longRun, workers, decay);
            AlchemistContext embedded = AlchemistContext.embedded(spark, workers, libraryDir);
            AlchemistContext mpi = mpiConnectionFile == null ? null : AlchemistContext.connect(spark, mpiConnectionFile, workers);
            if (warmUp) { // 20,000 × 100, wider where k needs it (MLlib and allib want k < n)
                bench.warmUp(new long[] {20_000, Math.max(100, 2 * k)}, embedded, mpi);
            }
            for (long[] size : parse(sizes)) {
                bench.measure(size[0], (int) size[1], embedded, mpi);
            }
            System.out.println();
            bench.results.printMarkdown(System.out);
            bench.results.writeCsv(out.resolve("svd-vs-mllib.csv"));
            SvdVsMllibChart.write(bench.results, k, out.resolve("svd-vs-mllib.png"));
            System.out.printf("%nwrote %s and %s; load average %s%n", out.resolve("svd-vs-mllib.csv"),
                    out.resolve("svd-vs-mllib.png"), loadAverage());
        } finally {
            spark.stop(); // stops the Alchemist contexts and the embedded server
        }
    }

    /** @return sizes such as "100000x100,20000x1000" as {rows, cols} pairs */
    static List<long[]> parse(String sizes) {
        List<long[]> out = new ArrayList<>();
        for (String s : sizes.split(",")) {
            String[] mn = s.trim().split("x");
            out.add(new long[] {Long.parseLong(mn[0]), Long.parseLong(mn[1])});
        }
        return out;
    }

    /** @return the 1, 5 and 15 minute load averages, or "?" off Linux */
    static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (Exception e) {
            return "?";
        }
    }

    private IndexedRowMatrix cachedMatrix(long rows, int cols) {
        IndexedRowMatrix a = new GeneratedMatrix(rows, cols, 1, decay).in(jsc, 0);
        a.rows().persist(StorageLevel.MEMORY_ONLY());
        a.rows().count();
        return a;
    }

    /** Runs every method once on a small matrix, so that the timed runs find the JIT and the connections warm. */
    private void warmUp(long[] size, AlchemistContext embedded, AlchemistContext mpi) throws Exception {
        IndexedRowMatrix a = cachedMatrix(size[0], (int) size[1]);
        mllib(a, MllibSvd.Mode.AUTO);
        mllib(a, MllibSvd.Mode.LOCAL_EIGS);
        alchemist(embedded, a);
        if (mpi != null) {
            alchemist(mpi, a);
        }
        transfer(embedded, a, size[0] * size[1] * Double.BYTES);
        a.rows().unpersist(true);
        System.out.printf("warm-up on %,d x %,d done%n", size[0], size[1]);
    }

    private void measure(long rows, int cols, AlchemistContext embedded, AlchemistContext mpi) throws Exception {
        String size = String.format("%,d × %,d", rows, cols);
        long t0 = System.nanoTime();
        IndexedRowMatrix a = cachedMatrix(rows, cols);
        System.out.printf("%n%s: generated and cached in %.1f s, %d partitions, load average %s%n", size,
                (System.nanoTime() - t0) / 1e9, a.rows().getNumPartitions(), loadAverage());
        Outcome auto = best("MLlib auto", () -> mllib(a, MllibSvd.Mode.AUTO));
        record(size, rows, cols, SvdVsMllibResults.MLLIB_AUTO, auto, Double.NaN);
        Outcome local = best("MLlib local-eigs", () -> mllib(a, MllibSvd.Mode.LOCAL_EIGS));
        record(size, rows, cols, SvdVsMllibResults.MLLIB_LOCAL_EIGS, local, diff(local, auto));
        Outcome al = best("Alchemist embedded", () -> alchemist(embedded, a));
        record(size, rows, cols, SvdVsMllibResults.ALCHEMIST, al, diff(al, auto));
        if (mpi != null) {
            Outcome onMpi = best("Alchemist MPI", () -> alchemist(mpi, a));
            record(size, rows, cols, SvdVsMllibResults.ALCHEMIST_MPI, onMpi, diff(onMpi, auto));
        }
        long bytes = rows * cols * Double.BYTES;
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int r = 0; r < repeats; r++) {
            double[] t = transfer(embedded, a, bytes);
            System.out.printf("  transfer run %d: send %.2f GB/s, fetch %.2f GB/s, raw loopback %.2f GB/s%n", r + 1,
                    bytes / t[0] / 1e9, bytes / t[1] / 1e9, bytes / t[2] / 1e9);
            for (int i = 0; i < 3; i++) {
                best[i] = Math.min(best[i], t[i]);
            }
        }
        String[] names = {SvdVsMllibResults.SEND, SvdVsMllibResults.FETCH, SvdVsMllibResults.RAW};
        for (int i = 0; i < 3; i++) {
            results.add(new Row(size, rows, cols, k, decay, names[i], repeats, best[i], Double.NaN, Double.NaN, Double.NaN,
                    bytes / best[i] / 1e9, Double.NaN));
        }
        a.rows().unpersist(true);
    }

    /**
     * Runs a method up to {@code repeats} times, once only after a run longer than {@code longRun}; keeps the best
     * and prints the spread.
     */
    private Outcome best(String method, Supplier<Outcome> run) {
        Outcome best = null;
        int runs = 0;
        List<Double> seconds = new ArrayList<>();
        while (runs < repeats) {
            Outcome o = run.get();
            runs++;
            seconds.add(o.seconds());
            System.out.printf("  %-20s run %d: %8.2f s%s%n", method, runs, o.seconds(), Double.isNaN(o.send()) ? ""
                    : String.format(" (send %.2f, compute %.2f, fetch U %.2f)", o.send(), o.compute(), o.fetch()));
            if (best == null || o.seconds() < best.seconds()) {
                best = o;
            }
            if (o.seconds() > longRun) {
                break;
            }
        }
        System.out.printf("  %-20s %s (min / median / max of %d)%n", method, Spread.of(seconds), runs);
        return best.withRuns(runs);
    }

    private void record(String size, long rows, int cols, String method, Outcome o, double diff) {
        results.add(new Row(size, rows, cols, k, decay, method, o.runs(), o.seconds(), o.send(), o.compute(), o.fetch(),
                Double.NaN, diff));
    }

    private static double diff(Outcome o, Outcome reference) {
        return SingularValues.maxRelativeDifference(o.s(), reference.s());
    }

    private Outcome mllib(IndexedRowMatrix a, MllibSvd.Mode mode) {
        MllibSvd.Timed t = MllibSvd.run(a, k, mode);
        t.svd().U().rows().unpersist(true);
        return new Outcome(t.svd().s().toArray(), t.seconds(), Double.NaN, Double.NaN, Double.NaN, 1);
    }

    private Outcome alchemist(AlchemistContext ac, IndexedRowMatrix a) {
        AlchemistSVD.Run r = AlchemistSVD.run(ac, a, k, true);
        r.svd().U().rows().unpersist(true);
        return new Outcome(r.svd().s().toArray(), r.totalSeconds(), r.sendSeconds(), r.computeSeconds(), r.fetchSeconds(), 1);
    }

    /** @return seconds to send the matrix from the executors, to fetch it back into them, and of raw loopback */
    private double[] transfer(AlchemistContext ac, IndexedRowMatrix a, long bytes) throws Exception {
        long t0 = System.nanoTime();
        AlMatrix m = ac.send(a);
        long t1 = System.nanoTime();
        long fetched = m.toIndexedRowMatrix().rows().count();
        long t2 = System.nanoTime();
        m.free();
        if (fetched != a.numRows()) {
            throw new IllegalStateException("fetched " + fetched + " rows of " + a.numRows());
        }
        return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, RawLoopback.seconds(bytes, workers, MESSAGE_BYTES)};
    }
}
