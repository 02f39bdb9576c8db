package alchemist.benchmarks;

import alchemist.benchmarks.ScaleBenchResults.Row;
import alchemist.client.AlchemistSession;
import alchemist.client.MatrixHandle;
import alchemist.client.TaskResult;
import alchemist.examples.GeneratedMatrix;
import alchemist.examples.MllibSvd;
import alchemist.examples.SingularValues;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.server.AlchemistServer;
import alchemist.server.NativeLinalg;
import alchemist.server.blas.OpenBlas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * How allib's truncated SVD scales with the shape, k, the spectrum, the number of workers and the backend, against
 * a single-process LAPACK reference on the same cores, allib's randomized SVD and MLlib's {@code computeSVD}.
 * For each shape and spectrum the matrix ({@link GeneratedMatrix}: Gaussian entries, column j scaled by
 * (1 + j)^-decay; decaying 0.5, flat 0) is made once:
 * <ol>
 *   <li>held in this process, the <b>LAPACK reference</b> ({@link HeldMatrix#gramianSvd}: DSYRK, DSYEVR for the top
 *       k, U by DGEMM) is timed for each k with every core's BLAS threads; its singular values are the reference;
 *       then the held copy is dropped;</li>
 *   <li>for each backend (an embedded server in this JVM, or {@code bin/alchemist-server --mpi} started as a child
 *       process) and worker count W, with cores / W BLAS threads per worker, the matrix is sent from its generator
 *       (untimed), then for each k {@code truncated_svd} is timed (and the method it took, where it says) and
 *       {@code randomized_svd} (its time, the largest relative error of its singular values against the
 *       reference, and its own error estimate; "n/a" where the server has no such task);</li>
 *   <li><b>MLlib auto</b>: {@code computeSVD(k, true, 1e-9)} on the same matrix made and cached on Spark
 *       {@code local[cores]}'s executors, once per k, abandoned (its job group cancelled) at {@code --mllib-cap}.</li>
 * </ol>
 * Each server first runs both tasks once on a small matrix (warm-up). Times are min / median / max of
 * {@code --repeats} runs. A shape whose reference the heap cannot hold is skipped, with a note; so is an MPI
 * cell whose ranks the machine's free memory cannot hold. Writes {@code scale-bench.csv} and PNG charts to
 * {@code --out} and prints a Markdown table.
 * <pre>ScaleBench [--shapes 200000x1000,1000000x1000,100000x5000,20000x10000] [--ks 20,200]
 *            [--spectra decaying,flat] [--workers 1,2,4] [--backends embedded,mpi] [--repeats 3] [--mllib-cap 300]
 *            [--no-mllib] [--no-randomized] [--out DIR] [--library-dir allib/target]
 *            [--server-script bin/alchemist-server] [--server-start-limit 600] [--quick]</pre>
 */
public final class ScaleBench {
    private static final long SEED = 1;
    private static final long GIB = 1L << 30;
    /** randomized_svd's arguments after A and k: MLlib-like defaults, and a fixed seed. */
    private static final int OVERSAMPLING = 10;
    private static final int POWER_ITERATIONS = 2;
    private static final long RANDOMIZED_SEED = 0;
    /** How long an abandoned MLlib run may take to notice its cancelled jobs. */
    private static final long CANCEL_LIMIT_SECONDS = 120;

    /** The spectra: GeneratedMatrix's column decay. */
    enum Spectrum {
        DECAYING(GeneratedMatrix.DEFAULT_DECAY), FLAT(0);

        final double decay;

        Spectrum(double decay) {
            this.decay = decay;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    enum Backend {
        EMBEDDED, MPI;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The grid and how to run it (see the class comment for the flags). */
    record Options(List<long[]> shapes, int[] ks, List<Spectrum> spectra, int[] workers, List<Backend> backends,
            int repeats, double mllibCap, boolean mllib, boolean randomized, Path out, Path libraryDir, Path serverScript,
            double serverStartLimit) {
    }

    /** One truncated_svd or randomized_svd timing: the spread and the last run's outputs of interest. */
    private record TaskTiming(Spread spread, double[] s, String method, double errorEstimate) {
        static final TaskTiming ABSENT = new TaskTiming(Spread.NONE, null, "?", Double.NaN);
    }

    /** A server for one cell and the BLAS threads each of its workers has. */
    private record Server(AutoCloseable process, AlchemistSession session, int blasThreads) {
    }

    private final Options options;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final ScaleBenchResults results;
    private final List<String> notes = new ArrayList<>();
    private SparkSession spark;

    private ScaleBench(Options options, ScaleBenchResults results) {
        this.options = options;
        this.results = results;
    }

    /** @return the thread count OpenBLAS has after asking for {@code threads} (1 without OpenBLAS) */
    private static int setBlasThreads(int threads) {
        OpenBlas.setNumThreads(threads);
        return OpenBlas.numThreads();
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Files.createDirectories(o.out());
        int envThreads = OpenBlas.numThreads();
        ScaleBenchResults.Machine machine = new ScaleBenchResults.Machine(ZonedDateTime.now().toString(),
                Runtime.getRuntime().availableProcessors(), SvdVsMllib.loadAverage(), Runtime.getRuntime().maxMemory(),
                NativeLinalg.describe());
        System.out.printf("ScaleBench %s: %d cores, load average %s, max heap %,d MiB, %s, OPENBLAS_NUM_THREADS=%s "
                + "(OpenBLAS reports %d; set per phase: the reference every core; an embedded server holds OpenBLAS at "
                + "1 and gives each worker cores / W threads; each MPI rank cores / W; MLlib 1)%n", machine.date(), machine.cores(), machine.loadAverage(),
                machine.heapBytes() >> 20, machine.blas(), System.getenv("OPENBLAS_NUM_THREADS"), envThreads);
        System.out.printf("grid: shapes %s, k %s, spectra %s, workers %s, backends %s, %d repeats, randomized_svd %s "
                + "(oversampling %d, power iterations %d, seed %d), MLlib auto %s%n",
                o.shapes().stream().map(s -> s[0] + "x" + s[1]).toList(), Arrays.toString(o.ks()), o.spectra(),
                Arrays.toString(o.workers()), o.backends(), o.repeats(), o.randomized() ? "on" : "off", OVERSAMPLING,
                POWER_ITERATIONS, RANDOMIZED_SEED, o.mllib() ? "capped at " + o.mllibCap() + " s" : "off");
        ScaleBench bench = new ScaleBench(o, new ScaleBenchResults(machine));
        try {
            for (long[] shape : o.shapes()) {
                for (Spectrum spectrum : o.spectra()) {
                    bench.measure(new GeneratedMatrix(shape[0], (int) shape[1], SEED, spectrum.decay), spectrum);
                }
            }
        } finally {
            if (bench.spark != null) {
                bench.spark.stop();
            }
            OpenBlas.setNumThreads(Math.max(1, envThreads));
        }
        Path csv = o.out().resolve("scale-bench.csv");
        bench.results.writeCsv(csv);
        List<Path> charts = ScaleBenchChart.write(bench.results, o.out());
        System.out.println();
        bench.results.printMarkdown(System.out);
        if (!bench.notes.isEmpty()) {
            System.out.println();
            bench.notes.forEach(n -> System.out.println("- " + n));
        }
        System.out.printf("%nwrote %s and %d charts in %s; load average %s%n", csv, charts.size(), o.out(), SvdVsMllib.loadAverage());
    }

    static Options parse(String[] args) {
        String shapes = "200000x1000,1000000x1000,100000x5000,20000x10000";
        String ks = "20,200";
        String spectra = "decaying,flat";
        String workers = "1,2,4";
        String backends = "embedded,mpi";
        int repeats = 3;
        double mllibCap = 300;
        boolean mllib = true;
        boolean randomized = true;
        Path out = Path.of("benchmarks/target/scale-bench");
        Path libraryDir = Path.of("allib/target");
        Path serverScript = Path.of("bin/alchemist-server");
        double serverStartLimit = 600;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shapes" -> shapes = args[++i];
                case "--ks" -> ks = args[++i];
                case "--spectra" -> spectra = args[++i];
                case "--workers" -> workers = args[++i];
                case "--backends" -> backends = args[++i];
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--mllib-cap" -> mllibCap = Double.parseDouble(args[++i]);
                case "--no-mllib" -> mllib = false;
                case "--no-randomized" -> randomized = false;
                case "--out" -> out = Path.of(args[++i]);
                case "--library-dir" -> libraryDir = Path.of(args[++i]);
                case "--server-script" -> serverScript = Path.of(args[++i]);
                case "--server-start-limit" -> serverStartLimit = Double.parseDouble(args[++i]);
                case "--quick" -> { // tiny shapes, embedded only: keeps the benchmark working; flags after it override
                    shapes = "2000x50,1000x80"; // n < 100: MLlib auto takes local-eigs, fast
                    ks = "5,10";
                    workers = "1,2";
                    backends = "embedded";
                    repeats = 1;
                    mllibCap = 60;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --shapes MxN,... "
                        + "--ks K,... --spectra decaying,flat --workers W,... --backends embedded,mpi --repeats N "
                        + "--mllib-cap S --no-mllib --no-randomized --out DIR --library-dir D --server-script F "
                        + "--server-start-limit S --quick");
            }
        }
        if (repeats < 1 || mllibCap <= 0) {
            throw new IllegalArgumentException("need --repeats >= 1 and --mllib-cap > 0");
        }
        return new Options(SvdVsMllib.parse(shapes), ints(ks), Arrays.stream(spectra.split(","))
                .map(s -> Spectrum.valueOf(s.trim().toUpperCase(Locale.ROOT))).toList(), ints(workers),
                Arrays.stream(backends.split(",")).map(s -> Backend.valueOf(s.trim().toUpperCase(Locale.ROOT))).toList(),
                repeats, mllibCap, mllib, randomized, out, libraryDir, serverScript, serverStartLimit);
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    /** @return MemAvailable from /proc/meminfo, or Long.MAX_VALUE where it cannot be read */
    private static long availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux: no check
        }
        return Long.MAX_VALUE;
    }

    private void note(String note) {
        notes.add(note);
        System.out.println("NOTE: " + note);
    }

    /** Every cell of one matrix: the reference, then each backend and worker count, then MLlib. */
    private void measure(GeneratedMatrix g, Spectrum spectrum) throws Exception {
        long rows = g.rows();
        int cols = g.cols();
        String shape = String.format("%,d × %,d %s", rows, cols, spectrum);
        int[] ks = Arrays.stream(options.ks()).filter(k -> k >= 1 && k < cols && k <= rows).toArray();
        if (ks.length < options.ks().length) {
            note(shape + ": k must lie in [1, n); skipped k " + Arrays.toString(Arrays.stream(options.ks())
                    .filter(k -> Arrays.stream(ks).noneMatch(x -> x == k)).toArray()));
        }
        if (ks.length == 0) {
            return;
        }
        int maxK = Arrays.stream(ks).max().orElseThrow();
        long matrixBytes = HeldMatrix.bytes(rows, cols);
        long referenceBytes = matrixBytes + HeldMatrix.bytes(rows, maxK) + HeldMatrix.bytes(3L * cols, cols);
        if (referenceBytes > Runtime.getRuntime().maxMemory() * 0.9) {
            note(String.format(Locale.ROOT, "%s skipped: the reference holds %.1f GiB (matrix %.1f GiB, U, Gramian), "
                    + "over 0.9 of the %.1f GiB heap (BENCH_HEAP)", shape, referenceBytes / (double) GIB,
                    matrixBytes / (double) GIB, Runtime.getRuntime().maxMemory() / (double) GIB));
            return;
        }
        System.out.printf("%n%s (%.2f GB), load average %s%n", shape, matrixBytes / 1e9, SvdVsMllib.loadAverage());

        int lapackThreads = setBlasThreads(cores);
        Map<Integer, TaskTiming> reference = reference(g, ks, lapackThreads);
        List<Row> cells = new ArrayList<>();
        for (Backend backend : options.backends()) {
            for (int w : options.workers()) {
                cells.addAll(cells(g, spectrum, backend, w, ks, reference, lapackThreads));
            }
        }
        Map<Integer, Double> mllib = options.mllib() ? mllib(g, shape, ks) : Map.of();
        for (Row c : cells) {
            results.add(c.withMllib(mllib.getOrDefault(c.k(), Double.NaN), options.mllib() ? options.mllibCap() : Double.NaN));
        }
    }

    /**
     * The LAPACK reference for each k, on the matrix held in this process (dropped on return, before any worker
     * gets its copy).
     */
    private Map<Integer, TaskTiming> reference(GeneratedMatrix g, int[] ks, int threads) {
        long t0 = System.nanoTime();
        HeldMatrix held = HeldMatrix.read(new GeneratedRows(g));
        System.out.printf("  generated in this process in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Map<Integer, TaskTiming> reference = new LinkedHashMap<>();
        for (int k : ks) {
            double[][] s = new double[1][];
            Spread spread = repeat("LAPACK reference, k = " + k + ", " + threads + " BLAS threads",
                    () -> s[0] = held.gramianSvd(k));
            reference.put(k, new TaskTiming(spread, s[0], "LAPACK", Double.NaN));
        }
        return reference;
    }

    /** The cells of one backend and worker count, every k: MLlib left NaN (it is measured last). */
    private List<Row> cells(GeneratedMatrix g, Spectrum spectrum, Backend backend, int workers, int[] ks,
            Map<Integer, TaskTiming> reference, int lapackThreads) throws Exception {
        String where = backend + ", " + workers + " worker" + (workers > 1 ? "s" : "");
        List<Row> out = new ArrayList<>();
        Server server = null;
        try {
            server = start(backend, workers, g, Arrays.stream(ks).max().orElseThrow());
            AlchemistSession als = server.session();
            als.requestWorkers(workers);
            als.loadLibrary("allib", "");
            boolean randomized = warmUp(als);
            long t0 = System.nanoTime();
            MatrixHandle a = als.send(new GeneratedRows(g));
            System.out.printf("  %s (%d BLAS threads each): sent in %.1f s (untimed: generated while sent)%n", where,
                    server.blasThreads(), (System.nanoTime() - t0) / 1e9);
            for (int k : ks) {
                TaskTiming ref = reference.get(k);
                TaskTiming svd = time(als, a, "truncated_svd", k, where);
                TaskTiming rnd = randomized ? time(als, a, "randomized_svd", k, where) : TaskTiming.ABSENT;
                out.add(new Row(g.rows(), g.cols(), spectrum.toString(), k, backend.toString(), workers,
                        server.blasThreads(), svd.spread(), svd.method(), SingularValues.maxRelativeDifference(svd.s(), ref.s()),
                        ref.spread(), lapackThreads, rnd.spread(), rnd.s() == null ? Double.NaN
                                : SingularValues.maxRelativeDifference(rnd.s(), ref.s()), rnd.errorEstimate(),
                        Double.NaN, Double.NaN, rnd.s() == null && options.randomized() ? "randomized_svd n/a" : ""));
            }
            als.freeMatrix(a);
            als.yieldWorkers();
        } catch (AlchemistException | java.io.IOException e) {
            note(String.format("%,d × %,d %s, %s: no result: %s", g.rows(), g.cols(), spectrum, where, e.getMessage()));
        } finally {
            if (server != null) {
                server.session().close();
                server.process().close();
            }
        }
        return out;
    }

    /**
     * Starts a server for one cell: embedded in this JVM (this process's BLAS threads set to cores / W), or
     * {@code bin/alchemist-server --mpi} with each rank's heap sized for its share of the matrix and U.
     */
    private Server start(Backend backend, int workers, GeneratedMatrix g, int maxK) throws Exception {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        if (backend == Backend.EMBEDDED) {
            // The server holds OpenBLAS at 1 thread per call and gives each worker its threads.
            AlchemistServer server = AlchemistServer.builder().workers(workers).threadsPerWorker(threads)
                    .libraryDir(options.libraryDir()).start();
            int set = threads;
            AlchemistSession als = new AlchemistSession();
            als.connect(server.host(), server.port());
            return new Server(server, als, set);
        }
        // Each rank: its rows, U and the task's work space (about 3 m·k in all), within 3/4 of its heap (the
        // default worker memory limit), and 1 GiB beside. The driver rank gets the same options.
        long share = (HeldMatrix.bytes(g.rows(), g.cols()) + 3 * HeldMatrix.bytes(g.rows(), maxK)) / workers;
        int heapGiB = (int) Math.ceil(share / 0.7 / GIB) + 1;
        long needed = (workers + 1L) * heapGiB * GIB;
        if (needed > availableMemory()) {
            throw new java.io.IOException(String.format(Locale.ROOT, "%d ranks of %d GiB need %.0f GiB, the machine has "
                    + "%.0f GiB available", workers + 1, heapGiB, needed / (double) GIB, availableMemory() / (double) GIB));
        }
        Path connection = options.out().resolve("mpi-connection-" + workers);
        long t0 = System.nanoTime();
        MpiServer server = MpiServer.start(options.serverScript(), workers, options.libraryDir(), heapGiB, threads,
                connection, options.out().resolve("mpi-server-" + workers + ".log"), options.serverStartLimit());
        System.out.printf("  MPI server, %d workers, %d GiB pre-touched per rank: ready in %.1f s%n", workers, heapGiB,
                (System.nanoTime() - t0) / 1e9);
        AlchemistSession als = new AlchemistSession();
        try {
            als.connect(server.connectionFile());
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return new Server(server, als, threads);
    }

    /**
     * Runs both tasks once on a small matrix, so that the timed runs find the JIT warm.
     *
     * @return whether the server has randomized_svd (and it is wanted)
     */
    private boolean warmUp(AlchemistSession als) {
        MatrixHandle small = als.send(new GeneratedRows(new GeneratedMatrix(2_000, 50, SEED, 0.5)));
        runTask(als, "truncated_svd", small, 5);
        boolean randomized = options.randomized();
        try {
            if (randomized) {
                runTask(als, "randomized_svd", small, 5);
            }
        } catch (AlchemistException e) {
            if (e.code() != ErrorCode.UNKNOWN_LIBRARY_OR_TASK) {
                throw e;
            }
            System.out.println("  randomized_svd: n/a (the server's allib has no such task)");
            randomized = false;
        }
        als.freeMatrix(small);
        return randomized;
    }

    /** Times a task {@code --repeats} times. */
    private TaskTiming time(AlchemistSession als, MatrixHandle a, String task, int k, String where) {
        TaskTiming[] last = {TaskTiming.ABSENT};
        Spread spread = repeat(task + ", k = " + k + ", " + where, () -> last[0] = runTask(als, task, a, k));
        return new TaskTiming(spread, last[0].s(), last[0].method(), last[0].errorEstimate());
    }

    /**
     * Runs truncated_svd or randomized_svd once and frees its matrices.
     *
     * @return its singular values, its method (truncated_svd's "method" output, where it has one) and its error
     *         estimate (randomized_svd's "error_estimate"); the spread is left empty
     */
    private static TaskTiming runTask(AlchemistSession als, String task, MatrixHandle a, int k) {
        TaskResult r = task.equals("randomized_svd")
                ? als.runTask(task, a, k, OVERSAMPLING, POWER_ITERATIONS, RANDOMIZED_SEED) : als.runTask(task, a, k);
        double[][] s = als.getArray(r.matrix("S"));
        double[] values = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            values[i] = s[i][0];
        }
        Object method = r.asMap().get("method");
        Object estimate = r.asMap().get("error_estimate");
        SvdBench.freeMatrices(als, r);
        return new TaskTiming(Spread.NONE, values, method == null ? "?" : method.toString(),
                estimate instanceof Number n ? n.doubleValue() : Double.NaN);
    }

    /** Runs {@code work} {@code --repeats} times, printing each time; @return their spread */
    private Spread repeat(String what, Runnable work) {
        List<Double> seconds = new ArrayList<>();
        for (int r = 0; r < options.repeats(); r++) {
            long t0 = System.nanoTime();
            work.run();
            seconds.add((System.nanoTime() - t0) / 1e9);
            System.out.printf("    %s, run %d: %.2f s%n", what, r + 1, seconds.get(r));
        }
        Spread spread = Spread.of(seconds);
        System.out.printf("    %s: %s (min / median / max)%n", what, spread);
        return spread;
    }

    /**
     * MLlib auto on the matrix made and cached on Spark's executors, once per k, each abandoned at the cap.
     *
     * @return seconds per k, {@link ScaleBenchResults#OVER_CAP} past the cap, NaN where it failed or did not fit
     */
    private Map<Integer, Double> mllib(GeneratedMatrix g, String shape, int[] ks) throws InterruptedException {
        // Spark keeps the rows deserialized: a DenseVector and its array per row, a little over the matrix's bytes.
        long cached = HeldMatrix.bytes(g.rows(), g.cols()) + 64 * g.rows();
        if (cached > Runtime.getRuntime().maxMemory() * 0.6) {
            note(String.format(Locale.ROOT, "%s: MLlib skipped: its cached matrix (%.1f GiB) is over 0.6 of the heap",
                    shape, cached / (double) GIB));
            return Map.of();
        }
        if (spark == null) {
            spark = SparkSession.builder().master("local[" + cores + "]").appName("ScaleBench")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        }
        OpenBlas.setNumThreads(1); // Spark's task threads are the parallelism
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        IndexedRowMatrix a = g.in(jsc, 0);
        a.rows().persist(StorageLevel.MEMORY_ONLY());
        a.rows().count();
        Map<Integer, Double> out = new LinkedHashMap<>();
        try {
            for (int k : ks) {
                double seconds = cappedMllib(jsc, a, k);
                System.out.printf("    MLlib auto, k = %d: %s%n", k, seconds == ScaleBenchResults.OVER_CAP
                        ? "> " + options.mllibCap() + " s (abandoned)" : String.format(Locale.ROOT, "%.2f s", seconds));
                out.put(k, seconds);
            }
        } finally {
            a.rows().unpersist(true);
        }
        return out;
    }

    /** @return MLlib auto's seconds, {@link ScaleBenchResults#OVER_CAP} if it ran past the cap (then cancelled) */
    private double cappedMllib(JavaSparkContext jsc, IndexedRowMatrix a, int k) throws InterruptedException {
        String group = "scale-bench-mllib-k" + k + "-" + System.nanoTime();
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, group);
            t.setDaemon(true); // an abandoned run must not keep the JVM alive
            return t;
        });
        Future<Double> run = runner.submit(() -> {
            jsc.setJobGroup(group, "MLlib computeSVD k = " + k, true);
            MllibSvd.Timed t = MllibSvd.run(a, k, MllibSvd.Mode.AUTO);
            t.svd().U().rows().unpersist(false);
            return t.seconds();
        });
        try {
            return run.get((long) (options.mllibCap() * 1000), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            note(String.format("MLlib auto k = %d failed: %s", k, e.getCause()));
            return Double.NaN;
        } catch (TimeoutException e) {
            // ARPACK submits a job per iteration: cancel the group until the run sees a failed job and ends.
            jsc.cancelJobGroup(group);
            run.cancel(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CANCEL_LIMIT_SECONDS);
            runner.shutdown();
            while (!runner.awaitTermination(1, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
                jsc.cancelJobGroup(group);
            }
            if (!runner.isTerminated()) {
                note("MLlib auto k = " + k + " still running " + CANCEL_LIMIT_SECONDS + " s after its cancellation; "
                        + "abandoned (its thread is a daemon), later timings may share the cores with it");
            }
            return ScaleBenchResults.OVER_CAP;
        } finally {
            runner.shutdownNow();
        }
    }
}
