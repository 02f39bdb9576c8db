package alchemist.spark;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.SingularValueDecomposition;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A drop-in for MLlib's {@code computeSVD}: the same arguments and result types, computed by allib's
 * {@code truncated_svd} on Alchemist. A job switches by changing one line:
 * <pre>{@code
 * SingularValueDecomposition<IndexedRowMatrix, Matrix> svd = matrix.computeSVD(20, true, 1e-9);
 * SingularValueDecomposition<IndexedRowMatrix, Matrix> svd = AlchemistSVD.computeSVD(matrix, 20, true);
 * }</pre>
 * As with MLlib: s holds the k largest singular values in descending order, V is a local n×k matrix, and
 * U (when asked for) an {@code IndexedRowMatrix} with a row for each row index of the input. Singular
 * vectors agree with MLlib's up to sign. U is pulled into Spark's storage (memory and disk) before this
 * returns, so nothing is left on Alchemist afterwards.
 *
 * <p>With {@link SvdOptions#randomized} the same calls run allib's {@code randomized_svd} instead: an
 * approximation (the top singular values to many digits on a decaying spectrum, a few percent low on a
 * flat one) with fewer passes over the matrix, and {@link Run#errorEstimate()} a bound on ‖A − U·diag(s)·Vᵀ‖₂
 * that holds with probability at least 1 − 1e-10.
 */
public final class AlchemistSVD {
    private AlchemistSVD() {
    }

    /**
     * The result, how long each phase took, and how it was computed.
     *
     * @param method        what the task reports: for {@code truncated_svd} its "method" output where it has
     *                      one, else "truncated_svd"; "randomized" for {@code randomized_svd}
     * @param errorEstimate for "randomized", the task's bound on the spectral norm of A − U·diag(s)·Vᵀ (holds
     *                      with probability at least 1 − 1e-10); NaN otherwise
     */
    public record Run(SingularValueDecomposition<IndexedRowMatrix, Matrix> svd, double sendSeconds,
            double computeSeconds, double fetchSeconds, String method, double errorEstimate) {
        /** A truncated_svd run, as before methods were reported. */
        public Run(SingularValueDecomposition<IndexedRowMatrix, Matrix> svd, double sendSeconds, double computeSeconds,
                double fetchSeconds) {
            this(svd, sendSeconds, computeSeconds, fetchSeconds, "truncated_svd", Double.NaN);
        }

        public double totalSeconds() {
            return sendSeconds + computeSeconds + fetchSeconds;
        }
    }

    /** Computes on the application's {@link AlchemistContext#getOrCreate context}. */
    public static SingularValueDecomposition<IndexedRowMatrix, Matrix> computeSVD(IndexedRowMatrix m, int k,
            boolean computeU) {
        return run(AlchemistContext.getOrCreate(SparkSession.active()), m, k, computeU).svd();
    }

    /** Computes on the application's {@link AlchemistContext#getOrCreate context}. */
    public static SingularValueDecomposition<RowMatrix, Matrix> computeSVD(RowMatrix m, int k, boolean computeU) {
        return computeSVD(AlchemistContext.getOrCreate(SparkSession.active()), m, k, computeU, SvdOptions.truncated());
    }

    /** As {@link #computeSVD(IndexedRowMatrix, int, boolean)}, computed as the options say. */
    public static SingularValueDecomposition<IndexedRowMatrix, Matrix> computeSVD(IndexedRowMatrix m, int k,
            boolean computeU, SvdOptions options) {
        return run(AlchemistContext.getOrCreate(SparkSession.active()), m, k, computeU, options).svd();
    }

    /** As {@link #computeSVD(RowMatrix, int, boolean)}, computed as the options say. */
    public static SingularValueDecomposition<RowMatrix, Matrix> computeSVD(RowMatrix m, int k, boolean computeU,
            SvdOptions options) {
        return computeSVD(AlchemistContext.getOrCreate(SparkSession.active()), m, k, computeU, options);
    }

    static SingularValueDecomposition<RowMatrix, Matrix> computeSVD(AlchemistContext ac, RowMatrix m, int k,
            boolean computeU, SvdOptions options) {
        JavaRDD<IndexedRow> indexed = m.rows().toJavaRDD().zipWithIndex().map(t -> new IndexedRow(t._2(), t._1()));
        var svd = run(ac, new IndexedRowMatrix(indexed.rdd(), m.numRows(), (int) m.numCols()), k, computeU, options)
                .svd();
        RowMatrix u = svd.U() == null ? null : svd.U().toRowMatrix(); // rows in index order, as zipWithIndex numbered them
        return new SingularValueDecomposition<>(u, svd.s(), svd.V());
    }

    /**
     * Sends the matrix, runs {@code truncated_svd}, and fetches S, V and (when asked) U; the matrices on
     * Alchemist are freed afterwards.
     *
     * @param k number of singular values, 1 ≤ k ≤ min(m, n)
     */
    public static Run run(AlchemistContext ac, IndexedRowMatrix m, int k, boolean computeU) {
        return run(ac, m, k, computeU, SvdOptions.truncated());
    }

    /**
     * As {@link #run(AlchemistContext, IndexedRowMatrix, int, boolean)}, with the task and its parameters
     * from the options.
     */
    public static Run run(AlchemistContext ac, IndexedRowMatrix m, int k, boolean computeU, SvdOptions options) {
        ac.loadLibrary("allib");
        boolean persisted = persistIfNeeded(m.rows().toJavaRDD()); // read more than once: sizes, rows, U's indices
        try {
            return sendComputeFetch(ac, m, k, computeU, options);
        } finally {
            if (persisted) {
                m.rows().unpersist(false);
            }
        }
    }

    private static Run sendComputeFetch(AlchemistContext ac, IndexedRowMatrix m, int k, boolean computeU,
            SvdOptions options) {
        long t0 = System.nanoTime();
        AlMatrix a = ac.send(m);
        long t1 = System.nanoTime();
        AlResult r;
        try {
            r = ac.runTask(options.task(), options.arguments(a, k));
        } finally {
            a.free();
        }
        long t2 = System.nanoTime();
        AlMatrix u = r.matrix("U");
        AlMatrix s = r.matrix("S");
        AlMatrix v = r.matrix("V");
        try {
            Vector sigma = s.toVector();
            Matrix vLocal = v.toLocalMatrix();
            IndexedRowMatrix uRows = computeU ? fetchU(u, m) : null;
            long t3 = System.nanoTime();
            return new Run(new SingularValueDecomposition<>(uRows, sigma, vLocal), (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    (t3 - t2) / 1e9, method(options, r), options.isRandomized()
                            ? ((Number) r.scalar("error_estimate")).doubleValue() : Double.NaN);
        } finally {
            u.free();
            s.free();
            v.free();
        }
    }

    /** @return the method a run reports (see {@link Run#method()}) */
    private static String method(SvdOptions options, AlResult r) {
        if (options.isRandomized()) {
            return "randomized";
        }
        return r.names().contains("method") ? String.valueOf(r.scalar("method")) : "truncated_svd";
    }

    /**
     * @return U's rows for the input's row indices, stored in Spark: all rows when the input has every
     *         index, else only those it has (a missing index is a zero row that MLlib's U leaves out)
     */
    private static IndexedRowMatrix fetchU(AlMatrix u, IndexedRowMatrix input) {
        JavaRDD<IndexedRow> rows = u.toIndexedRowMatrix().rows().toJavaRDD();
        if (input.rows().count() < u.numRows()) {
            JavaPairRDD<Long, Vector> byIndex = rows.mapToPair(r -> new Tuple2<>(r.index(), r.vector()));
            JavaPairRDD<Long, Boolean> present = input.rows().toJavaRDD().mapToPair(r -> new Tuple2<>(r.index(), true));
            rows = byIndex.join(present).map(t -> new IndexedRow(t._1(), t._2()._1()));
        }
        rows.persist(StorageLevel.MEMORY_AND_DISK());
        rows.count(); // pulled now, before U is freed on Alchemist
        return new IndexedRowMatrix(rows.rdd(), u.numRows(), (int) u.numCols());
    }

    /** Persists an RDD for the length of a transfer unless the caller already did. */
    private static <T> boolean persistIfNeeded(JavaRDD<T> rdd) {
        if (rdd.getStorageLevel().equals(StorageLevel.NONE())) {
            rdd.persist(StorageLevel.MEMORY_AND_DISK());
            return true;
        }
        return false;
    }
}
