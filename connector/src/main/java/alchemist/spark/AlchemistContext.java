package alchemist.spark;

import alchemist.client.AlchemistSession;
import alchemist.client.LibraryHandle;
import alchemist.client.MatrixHandle;
import alchemist.client.SessionTicket;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ConnectionFile;
import alchemist.protocol.WorkerInfo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.SingularValueDecomposition;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Alchemist in a Spark application: a session with an Alchemist server, held by the Spark driver, whose
 * matrices go between Spark's executors and Alchemist's workers directly.
 * <pre>{@code
 * AlchemistContext ac = AlchemistContext.embedded(spark, 2);      // or connect(spark, host, port, workers)
 * AlMatrix a = ac.send(indexedRowMatrix);                          // executors stream their rows
 * AlResult svd = ac.runTask("truncated_svd", a, 20);
 * IndexedRowMatrix u = svd.matrix("U").toIndexedRowMatrix();       // executors pull the rows back
 * }</pre>
 * The driver only sends control messages (matrix sizes, tasks); every executor streams its partitions'
 * rows over one connection per worker, shared by the tasks it runs. The context stops (freeing its
 * workers and matrices, and stopping an embedded server) when the SparkContext stops, or on {@link #stop()}.
 *
 * <p>Usable from Java and Scala. Calls that talk to the Alchemist driver are serialized.
 *
 * <p>Spark configuration read by {@link #getOrCreate}: {@value #EMBEDDED_WORKERS} (start an embedded server
 * with that many workers, with the library directory {@value #LIBRARY_DIR}), else {@value #ADDRESS}
 * ({@code host:port}), else {@value #CONNECTION_FILE} (else the default connection file); and
 * {@value #WORKERS}, how many workers to take (default: every free one). An embedded server, however started,
 * gives each worker {@value #EMBEDDED_THREADS_PER_WORKER} threads if set (default: the driver's cores divided
 * by the workers, at least 1).
 */
public final class AlchemistContext implements AutoCloseable {
    public static final String ADDRESS = "spark.alchemist.address";
    public static final String CONNECTION_FILE = "spark.alchemist.connectionFile";
    public static final String WORKERS = "spark.alchemist.workers";
    public static final String EMBEDDED_WORKERS = "spark.alchemist.embedded.workers";
    public static final String LIBRARY_DIR = "spark.alchemist.libraryDir";
    public static final String EMBEDDED_THREADS_PER_WORKER = "spark.alchemist.embedded.threadsPerWorker";

    private static final AtomicReference<AlchemistContext> ACTIVE = new AtomicReference<>();

    private final SparkSession spark;
    private final JavaSparkContext jsc;
    private final AlchemistSession session;
    private final EmbeddedServer embeddedServer;
    private final Map<String, LibraryHandle> libraries = new HashMap<>();
    private boolean stopped;

    private AlchemistContext(SparkSession spark, AlchemistSession session, EmbeddedServer embeddedServer) {
        this.spark = spark;
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.session = session;
        this.embeddedServer = embeddedServer;
    }

    /**
     * Connects to a running server and takes workers.
     *
     * @param workers how many workers to take, all or none; 0 takes every free worker
     * @throws AlchemistException if the server cannot be reached or has too few free workers
     */
    public static AlchemistContext connect(SparkSession spark, String host, int port, int workers) {
        return open(spark, s -> s.connect(host, port), workers, null);
    }

    /** Connects to the server named by a connection file ({@code host=}, {@code port=}) and takes workers. */
    public static AlchemistContext connect(SparkSession spark, Path connectionFile, int workers) {
        return open(spark, s -> s.connect(connectionFile), workers, null);
    }

    /**
     * Starts an Alchemist server with {@code workers} workers inside the Spark driver and connects to it:
     * for laptops, tests, and clusters on one machine.
     *
     * @param libraryDir where its libraries' jars are (e.g. allib), or null for none
     * @throws IllegalArgumentException if {@value #EMBEDDED_THREADS_PER_WORKER} is set but not a whole number ≥ 1
     */
    public static AlchemistContext embedded(SparkSession spark, int workers, Path libraryDir) {
        EmbeddedServer server = EmbeddedServer.start(workers, libraryDir, threadsPerWorker(spark));
        try {
            return open(spark, s -> s.connect(server.host(), server.port()), workers, server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** As {@link #embedded(SparkSession, int, Path)}, with the library directory from {@value #LIBRARY_DIR}. */
    public static AlchemistContext embedded(SparkSession spark, int workers) {
        return embedded(spark, workers, spark.conf().getOption(LIBRARY_DIR).map(Path::of).getOrElse(() -> null));
    }

    /** @return {@value #EMBEDDED_THREADS_PER_WORKER}, or 0 (the server's default) when not set */
    private static int threadsPerWorker(SparkSession spark) {
        String value = spark.conf().getOption(EMBEDDED_THREADS_PER_WORKER).getOrElse(() -> null);
        if (value == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(EMBEDDED_THREADS_PER_WORKER + " must be a whole number >= 1, not " + value);
    }

    /** @return the running context of this Spark application, or one made from its configuration */
    public static synchronized AlchemistContext getOrCreate(SparkSession spark) {
        AlchemistContext ac = ACTIVE.get();
        if (ac != null && !ac.isStopped() && ac.spark.sparkContext() == spark.sparkContext()) {
            return ac;
        }
        SparkConf conf = spark.sparkContext().getConf();
        int workers = conf.getInt(WORKERS, 0);
        int embedded = conf.getInt(EMBEDDED_WORKERS, 0);
        if (embedded > 0) {
            return embedded(spark, embedded);
        }
        if (conf.contains(ADDRESS)) {
            String address = conf.get(ADDRESS);
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(ADDRESS + " must be host:port, not " + address);
            }
            return connect(spark, address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), workers);
        }
        return connect(spark, conf.contains(CONNECTION_FILE) ? Path.of(conf.get(CONNECTION_FILE))
                : ConnectionFile.defaultPath(), workers);
    }

    /** @return the running context, if any */
    public static Optional<AlchemistContext> active() {
        return Optional.ofNullable(ACTIVE.get()).filter(ac -> !ac.isStopped());
    }

    private interface Connect {
        void to(AlchemistSession s);
    }

    private static AlchemistContext open(SparkSession spark, Connect connect, int workers, EmbeddedServer server) {
        AlchemistSession s = new AlchemistSession();
        try {
            connect.to(s);
            s.requestWorkers(workers > 0 ? workers : s.listInactiveWorkers().size());
            s.workers().connect();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        AlchemistContext ac = new AlchemistContext(spark, s, server);
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onApplicationEnd(SparkListenerApplicationEnd end) {
                ac.stop();
            }
        });
        ACTIVE.set(ac);
        return ac;
    }

    /** @return the Alchemist session (for calls this class does not wrap) */
    public AlchemistSession session() {
        return session;
    }

    public SparkSession sparkSession() {
        return spark;
    }

    public JavaSparkContext javaSparkContext() {
        return jsc;
    }

    /** @return the embedded server, or null when connected to a running one */
    EmbeddedServer embeddedServer() {
        return embeddedServer;
    }

    /** @return the workers this context holds */
    public List<WorkerInfo> workers() {
        return session.workers().list();
    }

    /** @return what executors need to stream to this context's workers */
    synchronized SessionTicket ticket() {
        checkOpen();
        return session.workers().ticket();
    }

    /** Loads a library from the server's library directory (once per name). */
    public synchronized LibraryHandle loadLibrary(String name) {
        return loadLibrary(name, "");
    }

    /** Loads a library from a jar inside the server's library directory (once per name). */
    public synchronized LibraryHandle loadLibrary(String name, String path) {
        checkOpen();
        LibraryHandle h = libraries.get(name);
        if (h == null) {
            h = session.loadLibrary(name, path);
            libraries.put(name, h);
        }
        return h;
    }

    /**
     * Sends a distributed matrix to Alchemist. The driver sends only its size; each executor streams its
     * partitions' rows straight to the workers that own them. Rows may come in any order and
     * partitioning; a missing index is a row of zeros (as in MLlib), and a row sent again by a retried
     * task overwrites itself. Its size is MLlib's: {@code numRows()} (one more than the largest index, unless
     * given) by {@code numCols()}.
     *
     * @throws IllegalArgumentException (in a failed Spark job) for a row of the wrong length
     * @throws AlchemistException       e.g. not enough worker memory
     */
    public AlMatrix send(IndexedRowMatrix m) {
        MatrixHandle h = createMatrix(m.numRows(), m.numCols());
        SessionTicket ticket = ticket();
        var layout = h.layout();
        try {
            m.rows().toJavaRDD().foreachPartition(rows -> RowStreams.send(ticket, layout, rows));
        } catch (RuntimeException e) {
            tryFree(h);
            throw e;
        }
        return new AlMatrix(this, h);
    }

    /** Sends a {@code RowMatrix}, its rows numbered in RDD order. */
    public AlMatrix send(RowMatrix m) {
        JavaRDD<IndexedRow> rows = m.rows().toJavaRDD().zipWithIndex().map(t -> new IndexedRow(t._2(), t._1()));
        return send(new IndexedRowMatrix(rows.rdd(), m.numRows(), (int) m.numCols()));
    }

    /**
     * Runs a task of a loaded library on this context's workers.
     *
     * @param args the task's arguments: {@link AlMatrix}es and Integer, Long, Double, ... or String values
     */
    public synchronized AlResult runTask(String task, Object... args) {
        checkOpen();
        Object[] wire = args.clone();
        for (int i = 0; i < wire.length; i++) {
            if (wire[i] instanceof AlMatrix a) {
                wire[i] = a.handle();
            }
        }
        return new AlResult(this, session.runTask(task, wire));
    }

    /**
     * The truncated SVD of a distributed matrix on Alchemist, in MLlib's own types (see {@link AlchemistSVD}).
     */
    public SingularValueDecomposition<IndexedRowMatrix, Matrix> computeSVD(IndexedRowMatrix m, int k, boolean computeU) {
        return AlchemistSVD.run(this, m, k, computeU).svd();
    }

    /** As {@link #computeSVD(IndexedRowMatrix, int, boolean)}, for a {@code RowMatrix}. */
    public SingularValueDecomposition<RowMatrix, Matrix> computeSVD(RowMatrix m, int k, boolean computeU) {
        return AlchemistSVD.computeSVD(this, m, k, computeU, SvdOptions.truncated());
    }

    synchronized MatrixHandle createMatrix(long rows, long cols) {
        checkOpen();
        return session.createMatrix(rows, cols);
    }

    synchronized void tryFree(MatrixHandle h) {
        try {
            if (!stopped) {
                session.freeMatrix(h);
            }
        } catch (AlchemistException e) {
            // freed with the session in any case
        }
    }

    /** Gives the workers back, frees every matrix, and stops an embedded server. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        ACTIVE.compareAndSet(this, null);
        try {
            session.close();
        } finally {
            if (embeddedServer != null) {
                embeddedServer.close();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isStopped() {
        return stopped;
    }

    private void checkOpen() {
        if (stopped) {
            throw new IllegalStateException("this AlchemistContext has stopped");
        }
    }
}
