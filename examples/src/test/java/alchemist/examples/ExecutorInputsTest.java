package alchemist.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs' inputs, made or read on the executors (local[2]): every row once, at its index, exact. */
class ExecutorInputsTest {
    private static SparkSession spark;
    private static JavaSparkContext jsc;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().appName("inputs-test").getOrCreate(); // local[2] from surefire
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** @return the matrix's rows sorted by index, checked to be 0..m-1 once each */
    private static double[][] collect(IndexedRowMatrix m) {
        List<IndexedRow> rows = m.rows().toJavaRDD().sortBy(IndexedRow::index, true, 1).collect();
        double[][] a = new double[rows.size()][];
        for (int i = 0; i < a.length; i++) {
            assertEquals(i, rows.get(i).index());
            a[i] = rows.get(i).vector().toArray();
        }
        assertEquals(m.numRows(), a.length);
        return a;
    }

    @Test
    void aGeneratedMatrixDoesNotDependOnItsPartitioning() {
        GeneratedMatrix g = new GeneratedMatrix(1001, 17, 4, 0.5);
        IndexedRowMatrix three = g.in(jsc, 3);
        assertEquals(3, three.rows().getNumPartitions());
        double[][] a = collect(three);
        double[][] b = collect(g.in(jsc, 7));
        double[] direct = new double[2 * 17];
        g.rows(500, 2, direct);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], 0.0, "row " + i);
        }
        assertArrayEquals(direct, concat(a[500], a[501]), 0.0);
        assertNotEquals(a[0][0], collect(new GeneratedMatrix(1001, 17, 5, 0.5).in(jsc, 3))[0][0], "the seed matters");
        double[] flat = new double[17];
        new GeneratedMatrix(1001, 17, 4, 0).rows(0, 1, flat);
        assertEquals(a[0][16] * Math.sqrt(17), flat[16], 1e-12, "decay 1/2 scales column j by 1/sqrt(1 + j)");
    }

    @Test
    void anHdf5DatasetIsReadExactlyInSpans() {
        Path file = SampleHdf5.write(dir.resolve("s.h5"), 700, 30, 9L);
        IndexedRowMatrix m = Hdf5Matrix.read(jsc, file, null, 4);
        assertEquals(4, m.rows().getNumPartitions());
        assertEquals(30, m.numCols());
        double[][] expected = SampleHdf5.generate(700, 30, 9L);
        double[][] read = collect(m);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], read[i], 0.0, "row " + i);
        }
        double[][] weights = collect(Hdf5Matrix.read(jsc, file, SampleHdf5.SINGULAR_VALUES, 0));
        assertEquals(SampleHdf5.weight(3), weights[3][0]);
    }

    @Test
    void spansCoverEveryRowOnceAndStartOnBlocks() {
        assertEquals(List.of(new RowSpan(0, 34), new RowSpan(34, 68), new RowSpan(68, 100)), RowSpan.split(100, 3, 1));
        assertEquals(List.of(new RowSpan(0, 40), new RowSpan(40, 80), new RowSpan(80, 100)), RowSpan.split(100, 3, 20));
        assertEquals(List.of(new RowSpan(0, 25), new RowSpan(25, 50), new RowSpan(50, 75), new RowSpan(75, 100)),
                RowSpan.split(100, 4, 64), "spans smaller than a block are not aligned");
        assertEquals(List.of(new RowSpan(0, 1), new RowSpan(1, 2)), RowSpan.split(2, 5, 1), "no more spans than rows");
    }

    private static double[] concat(double[] x, double[] y) {
        double[] out = new double[x.length + y.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
