package alchemist.spark;

import alchemist.client.Matrices;
import static alchemist.spark.SparkTests.assertRowEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.DenseMatrix;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Matrices from Spark (local[2]) to an embedded Alchemist and back, through the executors' streams. */
class SparkRoundTripTest {
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static AlchemistContext ac;

    @BeforeAll
    static void start() {
        spark = SparkTests.localSession("local[2,3]"); // 3 attempts per task, for the retry test
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ac = AlchemistContext.embedded(spark, 2, SparkTests.libraryDir());
    }

    @AfterAll
    static void stop() {
        spark.stop(); // stops the context too
    }

    @Test
    void shuffledSparseIndexedRowsComeBackExactWithZerosWhereRowsAreMissing() {
        double[][] a = Matrices.random(3001, 23, 1);
        List<IndexedRow> rows = SparkTests.shuffledRows(a, i -> i % 7 != 3 && i % 11 != 5, 2);
        AlMatrix m = ac.send(new IndexedRowMatrix(jsc.parallelize(rows, 7).rdd()));
        assertEquals(3001, m.numRows()); // rows 3000 is present: one past the largest index
        assertEquals(23, m.numCols());

        List<IndexedRow> back = m.toIndexedRowMatrix(5).rows().toJavaRDD().collect();
        assertEquals(3001, back.size());
        for (int i = 0; i < back.size(); i++) {
            IndexedRow r = back.get(i);
            assertEquals(i, r.index(), "rows come back in order");
            double[] expected = i % 7 != 3 && i % 11 != 5 ? a[i] : new double[23];
            assertRowEquals(expected, r.vector().toArray(), i);
        }
        m.free();
    }

    @Test
    void rowMatrixKeepsItsRowOrder() {
        double[][] a = Matrices.random(1000, 17, 3);
        List<Vector> vectors = new ArrayList<>();
        for (double[] row : a) {
            vectors.add(new DenseVector(row));
        }
        AlMatrix m = ac.send(new RowMatrix(jsc.parallelize(vectors, 3).rdd()));
        List<Vector> back = m.toRowMatrix().rows().toJavaRDD().collect();
        assertEquals(1000, back.size());
        for (int i = 0; i < a.length; i++) {
            assertRowEquals(a[i], back.get(i).toArray(), i);
        }
        m.free();
    }

    @Test
    void smallResultsComeBackAsLocalMatrixAndVector() {
        double[][] a = Matrices.random(5, 3, 4);
        AlMatrix m = ac.send(new IndexedRowMatrix(jsc.parallelize(SparkTests.shuffledRows(a, i -> true, 5), 2).rdd()));
        DenseMatrix local = m.toLocalMatrix();
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(a[i][j], local.apply(i, j));
            }
        }
        double[][] column = {{1.5}, {-2}, {3e-300}};
        AlMatrix c = ac.send(new IndexedRowMatrix(jsc.parallelize(SparkTests.shuffledRows(column, i -> true, 6), 2).rdd()));
        assertArrayEquals(new double[] {1.5, -2, 3e-300}, c.toVector().toArray());
        m.free();
        c.free();
    }

    @Test
    void aTaskThatFailsHalfwayThroughItsSendIsRetriedAndTheMatrixIsExact() {
        double[][] a = Matrices.random(4000, 31, 7);
        JavaRDD<IndexedRow> flaky = jsc.parallelize(SparkTests.shuffledRows(a, i -> true, 8), 4)
                .mapPartitionsWithIndex((p, it) -> p == 1 ? SparkTests.failHalfwayOnFirstAttempt(it) : it, true);
        AlMatrix m = ac.send(new IndexedRowMatrix(flaky.rdd(), 4000, 31));
        List<IndexedRow> back = m.toIndexedRowMatrix().rows().toJavaRDD().collect();
        for (IndexedRow r : back) {
            assertRowEquals(a[(int) r.index()], r.vector().toArray(), r.index());
        }
        assertEquals(4000, back.size());
        m.free();
    }

    @Test
    void aRowOfTheWrongLengthFailsTheSendClearlyAndTheContextGoesOn() {
        List<IndexedRow> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(new IndexedRow(i, new DenseVector(new double[i == 57 ? 4 : 5])));
        }
        SparkException e = assertThrows(SparkException.class,
                () -> ac.send(new IndexedRowMatrix(jsc.parallelize(rows, 3).rdd(), 100, 5)));
        assertTrue(e.getMessage().contains("row 57 has 4 values"), e.getMessage());

        double[][] a = Matrices.random(10, 5, 9);
        AlMatrix m = ac.send(new IndexedRowMatrix(jsc.parallelize(SparkTests.shuffledRows(a, i -> true, 10), 2).rdd()));
        assertEquals(10, m.toIndexedRowMatrix().rows().count());
        m.free();
    }
}
