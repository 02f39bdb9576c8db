package alchemist.examples;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;

/**
 * An {@code IndexedRowMatrix} whose partitions read (or make) their rows on the executors, a span of rows
 * each: the driver only hands out the spans.
 */
final class ExecutorRows {
    /** Values per partition at most by default: 64 MiB. */
    private static final long PARTITION_VALUES = 8L << 20;

    private ExecutorRows() {
    }

    /** Fills a span's rows, row-major; runs on an executor. */
    interface SpanReader extends Serializable {
        void read(RowSpan span, double[] dst) throws Exception;
    }

    /** @return a rows × cols matrix whose partitions are the spans, each filled by {@code reader} */
    static IndexedRowMatrix matrix(JavaSparkContext jsc, long rows, int cols, List<RowSpan> spans, SpanReader reader) {
        JavaRDD<IndexedRow> indexed = jsc.parallelize(spans, spans.size()).flatMap(span -> {
            double[] values = new double[span.size() * cols];
            reader.read(span, values);
            List<IndexedRow> out = new ArrayList<>(span.size());
            for (int i = 0; i < span.size(); i++) {
                out.add(new IndexedRow(span.start() + i, new DenseVector(Arrays.copyOfRange(values, i * cols, (i + 1) * cols))));
            }
            return out.iterator();
        });
        return new IndexedRowMatrix(indexed.rdd(), rows, cols);
    }

    /** @return the application's default parallelism, or more so that no partition holds over 64 MiB */
    static int defaultPartitions(JavaSparkContext jsc, long rows, int cols) {
        long bySize = -Math.floorDiv(-rows * cols, PARTITION_VALUES);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(jsc.defaultParallelism(), bySize));
    }
}
