package alchemist.examples;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.SingularValueDecomposition;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.storage.StorageLevel;

/**
 * MLlib's own truncated SVD, timed the way {@link alchemist.spark.AlchemistSVD#run} is: until s, V and U are
 * computed, U pulled into Spark's storage (MLlib's U is lazy; Alchemist's is fetched before it returns).
 */
public final class MllibSvd {
    /** MLlib's defaults for {@code computeSVD(k, computeU, rCond)}. */
    private static final double R_COND = 1e-9;
    private static final double TOL = 1e-10;

    private MllibSvd() {
    }

    /** How MLlib computes it ({@code RowMatrix.computeSVD}'s {@code mode}). */
    public enum Mode {
        /** What {@code computeSVD(k, computeU, rCond)} picks: local-eigs for n &lt; 100 or k &gt; n/2, else dist-eigs. */
        AUTO("auto"),
        /** The Gramian AᵀA gathered on the driver and decomposed by LAPACK there: O(n²) driver memory. */
        LOCAL_EIGS("local-eigs"),
        /** ARPACK on the driver, one distributed AᵀA·v (a Spark job) per iteration. */
        DIST_EIGS("dist-eigs");

        private final String name;

        Mode(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** An SVD and its wall time. */
    public record Timed(SingularValueDecomposition<IndexedRowMatrix, Matrix> svd, double seconds) {
    }

    /**
     * Computes the k largest singular values and vectors of {@code a} with U, and stores U (memory and disk).
     * {@link Mode#AUTO} is exactly {@code a.computeSVD(k, true, 1e-9)}; the other modes go through
     * {@code RowMatrix.computeSVD(k, computeU, rCond, maxIter, tol, mode)} with MLlib's default iterations and
     * tolerance (Scala's {@code private[mllib]}, public in the bytecode) and number U's rows as
     * {@code IndexedRowMatrix.computeSVD} does.
     */
    public static Timed run(IndexedRowMatrix a, int k, Mode mode) {
        long t0 = System.nanoTime();
        SingularValueDecomposition<IndexedRowMatrix, Matrix> svd = mode == Mode.AUTO ? a.computeSVD(k, true, R_COND)
                : withMode(a, k, mode);
        svd.U().rows().persist(StorageLevel.MEMORY_AND_DISK());
        svd.U().rows().count();
        return new Timed(svd, (System.nanoTime() - t0) / 1e9);
    }

    private static SingularValueDecomposition<IndexedRowMatrix, Matrix> withMode(IndexedRowMatrix a, int k, Mode mode) {
        JavaRDD<Long> indices = a.rows().toJavaRDD().map(IndexedRow::index);
        SingularValueDecomposition<RowMatrix, Matrix> svd = a.toRowMatrix().computeSVD(k, true, R_COND,
                Math.max(300, 3 * k), TOL, mode.toString());
        JavaRDD<Vector> uRows = svd.U().rows().toJavaRDD();
        JavaRDD<IndexedRow> u = indices.zip(uRows).map(t -> new IndexedRow(t._1(), t._2()));
        return new SingularValueDecomposition<>(new IndexedRowMatrix(u.rdd(), a.numRows(), (int) svd.U().numCols()),
                svd.s(), svd.V());
    }
}
