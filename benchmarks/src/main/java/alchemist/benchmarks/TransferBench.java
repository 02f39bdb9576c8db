package alchemist.benchmarks;

import alchemist.client.AlchemistSession;
import alchemist.client.MatrixHandle;
import alchemist.client.RowSource;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.MessageWriter;
import alchemist.server.AlchemistServer;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Transfer throughput: a dense matrix sent to an embedded server's workers and fetched back, against
 * plain loopback TCP carrying the same bytes, in one run.
 *
 * <pre>
 * TransferBench [--rows 250000] [--cols 1000] [--workers 2] [--message-mib 4] [--window 4] [--repeats 3]
 *               [--fetch-rows 10000] [--quick]
 * </pre>
 * Phases, each repeated after one untimed warm-up round on a fifth of the rows:
 * <ul>
 *   <li><b>raw loopback</b>: one {@link RawLoopback} stream per worker (and, as a second reference, one
 *       stream alone), a writer and a reader thread each, direct buffers of the message size; timed until
 *       the readers have received every byte.</li>
 *   <li><b>send</b>: {@link AlchemistSession#send(RowSource)} from a {@link CyclicSource}, whose rows are
 *       slices of a pool of random doubles written straight into the messages: the source is never held.</li>
 *   <li><b>fetch</b>: {@link AlchemistSession#getArray(MatrixHandle, long, long, long, long)} in chunks of
 *       {@code --fetch-rows} rows, one thread per worker walking that worker's rows (as Spark executors pull
 *       their partitions), and again with one thread in row order (one worker at a time). Sampled values of
 *       every row are checked against the source while timed; the warm-up checks every value.</li>
 * </ul>
 * Each phase prints its wall time and rate, the CPU time of this JVM, GC time and minor page faults; the
 * closing table gives the best and median rates, the ratio of the best rate to the best raw loopback rate,
 * and the CPU time of the best run against raw loopback's (on a shared machine, where other processes take
 * cores, the CPU ratio is the steadier measure of cost per byte).
 *
 * <p>The matrix lives in this JVM's heap (on the embedded workers): run with {@code -Xmx8g} for the default
 * 2 GB, as {@code benchmarks/run-transfer-bench.sh} does.
 */
public final class TransferBench {
    private static final long MIB = 1L << 20;
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long rows;
    private final int cols;
    private final int workers;
    private final int messageBytes;
    private final int window;
    private final int repeats;
    private final int fetchRows;
    private final Map<String, List<double[]>> results = new LinkedHashMap<>(); // phase -> [seconds, GC s, CPU s]

    private TransferBench(long rows, int cols, int workers, int messageBytes, int window, int repeats, int fetchRows) {
        this.rows = rows;
        this.cols = cols;
        this.workers = workers;
        this.messageBytes = messageBytes;
        this.window = window;
        this.repeats = repeats;
        this.fetchRows = fetchRows;
    }

    public static void main(String[] args) throws Exception {
        long rows = 250_000;
        int cols = 1_000;
        int workers = 2;
        int messageMib = 4;
        int window = 4;
        int repeats = 3;
        int fetchRows = 10_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--cols" -> cols = Integer.parseInt(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--message-mib" -> messageMib = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--fetch-rows" -> fetchRows = Integer.parseInt(args[++i]);
                case "--quick" -> { // small enough for CI; later flags still override
                    rows = 20_000;
                    cols = 500;
                    repeats = 1;
                    fetchRows = 2_000;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; flags: --rows N "
                        + "--cols N --workers N --message-mib N --window N --repeats N --fetch-rows N --quick");
            }
        }
        if (rows < workers || cols < 1 || workers < 1 || messageMib < 1 || messageMib > 1024 || window < 1
                || repeats < 1 || fetchRows < 1) {
            throw new IllegalArgumentException("need rows >= workers >= 1, cols >= 1, 1 <= message-mib <= 1024, "
                    + "window >= 1, repeats >= 1, fetch-rows >= 1");
        }
        new TransferBench(rows, cols, workers, (int) (messageMib * MIB), window, repeats, fetchRows).run();
    }

    private void run() throws Exception {
        long bytes = rows * cols * Double.BYTES;
        System.out.printf("TransferBench: %,d x %,d doubles = %,d bytes (%.2f GB); %d workers; %d MiB messages, "
                + "window %d; %d repeats; fetch in chunks of %,d rows%n", rows, cols, bytes, bytes / 1e9, workers,
                messageBytes / MIB, window, repeats, fetchRows);
        System.out.printf("JVM %s, %d cores, max heap %,d MiB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / MIB);
        try (AlchemistServer server = AlchemistServer.builder().workers(workers)
                .maxMessageBytes(Math.max(64 * MIB, messageBytes + MIB)).start();
                AlchemistSession als = new AlchemistSession()) {
            als.setTransfer(messageBytes, window);
            als.connect(server.host(), server.port());
            als.requestWorkers(workers);
            als.workers().connect();

            long warmRows = Math.max(workers, rows / 5);
            System.out.printf("warm-up: %,d rows, every fetched value checked%n", warmRows);
            round(als, new CyclicSource(warmRows, cols), true, false);
            CyclicSource source = new CyclicSource(rows, cols);
            for (int r = 1; r <= repeats; r++) {
                System.out.printf("repeat %d:%n", r);
                round(als, source, false, true);
            }
        }
        printTable(bytes);
    }

    /** Raw loopback, send, fetch (per worker, then in row order), free. */
    private void round(AlchemistSession als, CyclicSource source, boolean checkAll, boolean record) throws Exception {
        long bytes = source.numRows() * cols * Double.BYTES;
        time("raw loopback, " + workers + " stream" + (workers > 1 ? "s" : ""), bytes, record,
                () -> RawLoopback.seconds(bytes, workers, messageBytes));
        if (workers > 1) {
            time("raw loopback, 1 stream", bytes, record, () -> RawLoopback.seconds(bytes, 1, messageBytes));
        }
        MatrixHandle[] h = new MatrixHandle[1];
        time("send", bytes, record, () -> h[0] = als.send(source));
        time("fetch, 1 thread per worker", bytes, record, () -> fetch(als, h[0], source, true, checkAll));
        if (workers > 1) {
            time("fetch, 1 thread in row order", bytes, record, () -> fetch(als, h[0], source, false, checkAll));
        }
        als.freeMatrix(h[0]);
    }

    /** Runs one phase and prints its time, rate, and what it cost: CPU time of this JVM, GC time, page faults. */
    private void time(String phase, long bytes, boolean record, Callable<?> work) throws Exception {
        System.gc(); // start each phase with the last one's garbage gone
        long gc0 = gcMillis();
        long cpu0 = OS.getProcessCpuTime();
        long faults0 = minorFaults();
        String start = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
        long t0 = System.nanoTime();
        work.call();
        double s = (System.nanoTime() - t0) / 1e9;
        double gc = (gcMillis() - gc0) / 1e3;
        double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
        System.out.printf("  %-30s %7.3f s %6.2f GB/s   CPU %6.2f s  GC %5.2f s  page faults %,9d  (from %s)%n", phase,
                s, bytes / s / 1e9, cpu, gc, minorFaults() - faults0, start);
        if (record) {
            results.computeIfAbsent(phase, k -> new ArrayList<>()).add(new double[] {s, gc, cpu});
        }
    }

    /** @return minor page faults of this process so far (Linux), or 0 */
    private static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Fetches the whole matrix in chunks of {@code fetchRows} rows and checks them against the source.
     *
     * @param perWorker one thread per worker over its own rows, else one thread over all rows in order
     */
    private Void fetch(AlchemistSession als, MatrixHandle h, CyclicSource source, boolean perWorker, boolean checkAll)
            throws Exception {
        MatrixLayout layout = h.layout();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < (perWorker ? layout.numWorkers() : 1); i++) {
            long from = perWorker ? layout.rowStart(i) : 0;
            long to = perWorker ? layout.rowEnd(i) : h.numRows();
            tasks.add(() -> {
                for (long r = from; r < to; r += fetchRows) {
                    double[][] part = als.getArray(h, r, Math.min(to, r + fetchRows), 0, cols);
                    source.check(part, r, checkAll);
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return null;
    }

    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    /**
     * Prints best and median rates, the ratio of the best rate to the best raw loopback rate, and the CPU time
     * of the best run with its ratio to raw loopback's (how much more CPU a byte costs; on a shared or
     * CPU-bound machine this predicts the rate ratio better than wall-clock rates do).
     */
    private void printTable(long bytes) {
        System.out.printf("%nResults after warm-up: %,d bytes per phase, best and median of %d, GB = 1e9 bytes%n",
                bytes, repeats);
        System.out.printf("%-30s %14s %8s %9s %11s %7s %7s %7s %6s%n", "phase", "bytes", "best s", "best GB/s",
                "median GB/s", "ratio", "CPU s", "CPU x", "GC s");
        String rawAll = "raw loopback, " + workers + " stream" + (workers > 1 ? "s" : "");
        double[] rawAllBest = best(rawAll);
        double[] rawOneBest = workers > 1 ? best("raw loopback, 1 stream") : rawAllBest;
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            String phase = e.getKey();
            double[] b = best(phase);
            double[] seconds = e.getValue().stream().mapToDouble(x -> x[0]).sorted().toArray();
            double median = bytes / seconds[seconds.length / 2] / 1e9;
            double[] raw = phase.endsWith("row order") ? rawOneBest : rawAllBest;
            String ratio = phase.startsWith("raw") ? "-" : String.format("%.2f", raw[0] / b[0]);
            String cpuRatio = phase.startsWith("raw") ? "-" : String.format("%.1f", b[2] / raw[2]);
            System.out.printf("%-30s %,14d %8.3f %9.2f %11.2f %7s %7.2f %7s %6.2f%n", phase, bytes, b[0],
                    bytes / b[0] / 1e9, median, ratio, b[2], cpuRatio, b[1]);
        }
        System.out.println("ratio: best GB/s over the best raw loopback GB/s with as many streams as the phase uses"
                + " (fetch in row order: 1 stream); CPU x: CPU seconds of the best run over raw loopback's");
    }

    /** @return the fastest run of a phase: {seconds, GC seconds, CPU seconds} */
    private double[] best(String phase) {
        return results.get(phase).stream().min((x, y) -> Double.compare(x[0], y[0])).orElseThrow();
    }

    /**
     * A matrix whose rows are slices of one pool of random doubles: element {@code (r, c)} is
     * {@code pool[(r * cols + c) mod L]} with {@code L} a prime above 2^20. Rows are all distinct for fewer than
     * {@code L} rows, any run of rows is at most two contiguous pool ranges, and the pool takes 8 MB however
     * large the matrix. Thread-safe.
     */
    static final class CyclicSource implements RowSource {
        private final long rows;
        private final int cols;
        private final double[] pool;

        CyclicSource(long rows, int cols) {
            this.rows = rows;
            this.cols = cols;
            this.pool = new SplittableRandom(42).doubles(BigInteger.valueOf(1 << 20).nextProbablePrime().intValue())
                    .map(x -> x * 2 - 1).toArray();
        }

        @Override
        public long numRows() {
            return rows;
        }

        @Override
        public int numCols() {
            return cols;
        }

        /** @return the pool's length L */
        int poolLength() {
            return pool.length;
        }

        private int offset(long row, int col) {
            return (int) Math.floorMod(row * cols + col, (long) pool.length);
        }

        @Override
        public void readRows(long firstRow, int count, double[] dst) {
            for (int i = 0; i < count; i++) {
                int at = offset(firstRow + i, 0);
                for (int done = 0; done < cols; ) {
                    int n = Math.min(cols - done, pool.length - at);
                    System.arraycopy(pool, at, dst, i * cols + done, n);
                    done += n;
                    at = 0;
                }
            }
        }

        /** Writes the block as one or two bulk copies from the pool (a few for blocks of partial rows). */
        @Override
        public void writeBlock(long firstRow, int count, int firstCol, int width, double[] scratch, MessageWriter out) {
            if (width == cols) {
                put(offset(firstRow, 0), (long) count * cols, out);
            } else {
                for (int i = 0; i < count; i++) {
                    put(offset(firstRow + i, firstCol), width, out);
                }
            }
        }

        private void put(int at, long values, MessageWriter out) {
            while (values > 0) {
                int n = (int) Math.min(values, pool.length - at);
                out.putDoubles(pool, at, n);
                values -= n;
                at = 0;
            }
        }

        /**
         * Checks fetched rows {@code firstRow ..} against the source: every value, or the first, middle and last
         * value of each row and every value of its first row.
         *
         * @throws IllegalStateException at the first difference
         */
        void check(double[][] fetched, long firstRow, boolean all) {
            for (int i = 0; i < fetched.length; i++) {
                long row = firstRow + i;
                double[] got = fetched[i];
                if (all || i == 0) {
                    int at = offset(row, 0);
                    for (int done = 0; done < cols; ) {
                        int n = Math.min(cols - done, pool.length - at);
                        if (!Arrays.equals(got, done, done + n, pool, at, at + n)) {
                            throw mismatch(row, got);
                        }
                        done += n;
                        at = 0;
                    }
                } else if (got[0] != pool[offset(row, 0)] || got[cols / 2] != pool[offset(row, cols / 2)]
                        || got[cols - 1] != pool[offset(row, cols - 1)]) {
                    throw mismatch(row, got);
                }
            }
        }

        private IllegalStateException mismatch(long row, double[] got) {
            double[] want = new double[cols];
            readRows(row, 1, want);
            int c = Arrays.mismatch(got, want);
            return new IllegalStateException("fetched row " + row + " differs from the source at column " + c + ": "
                    + (c < 0 ? "?" : got[c] + " instead of " + want[c]));
        }
    }
}
