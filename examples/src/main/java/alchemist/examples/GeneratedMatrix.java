package alchemist.examples;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;

/**
 * A seeded random m × n matrix made on the executors, for jobs and benchmarks without input data: entry
 * (i, j) is a standard Gaussian times {@code (1 + j)^-decay}. With the default decay 1/2 the squared singular
 * values fall off like {@code m/(1 + j)} (a decaying spectrum, as in most data; the top ones a few percent
 * apart); with decay 0 it is an iid Gaussian matrix, whose singular values all lie within
 * {@code sqrt(m) ± sqrt(n)} (a flat spectrum, the hard case for iterative methods). Row i depends only on
 * (seed, decay, i, n), never on how the rows are partitioned.
 */
public record GeneratedMatrix(long rows, int cols, long seed, double decay) implements Serializable {
    public static final double DEFAULT_DECAY = 0.5;
    private static final long serialVersionUID = 1L;

    public GeneratedMatrix {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a generated matrix needs rows and columns, not " + rows + " x " + cols);
        }
    }

    /**
     * @param partitions partitions of consecutive rows, or 0 for partitions of at most 64 MiB (at least the
     *                   default parallelism)
     * @return the matrix, to be made on the executors when Spark computes it
     */
    public IndexedRowMatrix in(JavaSparkContext jsc, int partitions) {
        int spans = partitions > 0 ? partitions : ExecutorRows.defaultPartitions(jsc, rows, cols);
        return ExecutorRows.matrix(jsc, rows, cols, RowSpan.split(rows, spans, 1),
                (span, dst) -> rows(span.start(), span.size(), dst));
    }

    /** Writes rows {@code first .. first + count - 1}, row-major, into {@code dst}. */
    public void rows(long first, int count, double[] dst) {
        double[] scale = new double[cols];
        for (int j = 0; j < cols; j++) {
            scale[j] = Math.pow(1 + j, -decay);
        }
        for (int i = 0; i < count; i++) {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + first + i);
            for (int j = 0; j < cols; j++) {
                dst[i * cols + j] = random.nextGaussian() * scale[j];
            }
        }
    }

    @Override
    public String toString() {
        return "generated (seed " + seed + ", decay " + decay + ")";
    }
}
