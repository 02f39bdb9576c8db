package alchemist.examples;

import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;

/**
 * A seeded random m × n matrix made on the executors, for jobs and benchmarks without input data: entry
 * (i, j) is a standard Gaussian times {@code 1/sqrt(1 + j)}, so the squared singular values fall off like
 * {@code m/(1 + j)} (a decaying spectrum, as in most data), with the top ones a few percent apart. Row i
 * depends only on (seed, i, n), never on how the rows are partitioned.
 */
public final class GeneratedMatrix {
    private GeneratedMatrix() {
    }

    /** The matrix in partitions of at most 64 MiB (at least the default parallelism). */
    public static IndexedRowMatrix of(JavaSparkContext jsc, long rows, int cols, long seed) {
        return of(jsc, rows, cols, seed, ExecutorRows.defaultPartitions(jsc, rows, cols));
    }

    /** The matrix in {@code partitions} partitions of consecutive rows. */
    public static IndexedRowMatrix of(JavaSparkContext jsc, long rows, int cols, long seed, int partitions) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a generated matrix needs rows and columns, not " + rows + " x " + cols);
        }
        return ExecutorRows.matrix(jsc, rows, cols, RowSpan.split(rows, partitions, 1),
                (span, dst) -> rows(span.start(), span.size(), cols, seed, dst));
    }

    /** Writes rows {@code first .. first + count - 1}, row-major, into {@code dst}. */
    public static void rows(long first, int count, int cols, long seed, double[] dst) {
        for (int i = 0; i < count; i++) {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + first + i);
            for (int j = 0; j < cols; j++) {
                dst[i * cols + j] = random.nextGaussian() / Math.sqrt(1 + j);
            }
        }
    }
}
