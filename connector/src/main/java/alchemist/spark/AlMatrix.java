package alchemist.spark;

import alchemist.client.MatrixHandle;
import alchemist.client.SessionTicket;
import alchemist.protocol.MatrixLayout;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.DenseMatrix;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;

/**
 * A matrix that lives on Alchemist's workers, in a Spark application. Turn it back into a distributed
 * MLlib matrix (pulled by the executors, straight from the workers) or, when small, a local one.
 * Valid until {@link #free()} or until its {@link AlchemistContext} stops.
 */
public final class AlMatrix {
    /** Rows per fetched partition at most: 64 MiB of values for wide matrices. */
    private static final long MAX_PARTITION_VALUES = 8L << 20;

    private final AlchemistContext context;
    private final MatrixHandle handle;

    AlMatrix(AlchemistContext context, MatrixHandle handle) {
        this.context = context;
        this.handle = handle;
    }

    /** @return the matrix ID on the server */
    public int id() {
        return handle.id();
    }

    public long numRows() {
        return handle.numRows();
    }

    public long numCols() {
        return handle.numCols();
    }

    /** @return the client handle, for {@link alchemist.client.AlchemistSession} calls */
    public MatrixHandle handle() {
        return handle;
    }

    /**
     * @return the matrix as an {@code IndexedRowMatrix} with rows 0..m-1, in row order: each partition
     *         pulls one range of rows from the worker that holds it when Spark computes it (lazily, and
     *         again if the RDD is recomputed); partitions are the application's default parallelism or
     *         more, so that none holds more than 64 MiB
     */
    public IndexedRowMatrix toIndexedRowMatrix() {
        long bySize = -Math.floorDiv(-numRows() * numCols(), MAX_PARTITION_VALUES);
        int partitions = (int) Math.min(Integer.MAX_VALUE, Math.max(context.javaSparkContext().defaultParallelism(), bySize));
        return toIndexedRowMatrix(partitions);
    }

    /** As {@link #toIndexedRowMatrix()}, with about {@code partitions} partitions. */
    public IndexedRowMatrix toIndexedRowMatrix(int partitions) {
        SessionTicket ticket = context.ticket();
        MatrixLayout layout = handle.layout();
        var ranges = RowRange.split(layout, partitions);
        JavaRDD<IndexedRow> rows = context.javaSparkContext().parallelize(ranges, Math.max(1, ranges.size()))
                .flatMap(range -> RowStreams.fetch(ticket, layout, range));
        return new IndexedRowMatrix(rows.rdd(), numRows(), (int) numCols());
    }

    /** @return the matrix as a {@code RowMatrix}, rows in order */
    public RowMatrix toRowMatrix() {
        return toIndexedRowMatrix().toRowMatrix();
    }

    /**
     * @return the whole matrix in the driver, column-major as MLlib's local matrices are
     * @throws IllegalArgumentException if it has more than 2^31 - 1 values
     */
    public DenseMatrix toLocalMatrix() {
        if (numRows() * numCols() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(this + " is too large for a local matrix; use toIndexedRowMatrix()");
        }
        double[][] rows = context.session().getArray(handle);
        int m = (int) numRows();
        int n = (int) numCols();
        double[] colMajor = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                colMajor[j * m + i] = rows[i][j];
            }
        }
        return new DenseMatrix(m, n, colMajor);
    }

    /**
     * @return a matrix with one row or one column (such as the singular values S) as a local vector
     * @throws IllegalArgumentException for any other shape
     */
    public DenseVector toVector() {
        if (numRows() != 1 && numCols() != 1) {
            throw new IllegalArgumentException(this + " is neither a row nor a column");
        }
        return new DenseVector(toLocalMatrix().values());
    }

    /** Frees the matrix on the server. */
    public void free() {
        context.session().freeMatrix(handle);
    }

    @Override
    public String toString() {
        return "AlMatrix(" + handle.id() + ", " + numRows() + " x " + numCols() + ")";
    }
}
