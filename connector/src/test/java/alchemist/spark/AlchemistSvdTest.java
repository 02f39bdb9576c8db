package alchemist.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.SingularValueDecomposition;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.mllib.linalg.distributed.IndexedRowMatrix;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drop-in SVD against MLlib's own {@code computeSVD} on the same matrix: singular values to 1e-9
 * relative, singular vectors up to sign (the test matrices have well separated singular values).
 */
class AlchemistSvdTest {
    private static final double S_TOLERANCE = 1e-9;
    private static final double VECTOR_TOLERANCE = 1e-8;

    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static AlchemistContext ac;

    @BeforeAll
    static void start() {
        spark = SparkTests.localSession("local[2]");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ac = AlchemistContext.embedded(spark, 2, SparkTests.libraryDir());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void agreesWithMllibInSAndUpToSignInUAndV() {
        double[][] a = SparkTests.separated(2500, 40, 11);
        IndexedRowMatrix m = new IndexedRowMatrix(jsc.parallelize(SparkTests.shuffledRows(a, i -> true, 12), 6).rdd());
        m.rows().cache();
        SingularValueDecomposition<IndexedRowMatrix, Matrix> mllib = m.computeSVD(8, true, 1e-9);
        AlchemistSVD.Run run = AlchemistSVD.run(ac, m, 8, true);
        var ours = run.svd();

        assertSingularValuesAgree(mllib.s(), ours.s());
        assertColumnsAgreeUpToSign(mllib.V(), ours.V());
        assertRowsAgreeUpToSign(rowsByIndex(mllib.U()), rowsByIndex(ours.U()), signs(mllib.V(), ours.V()));
        assertEquals(2500, ours.U().numRows());
        assertEquals(8, ours.U().numCols());
        assertTrue(run.sendSeconds() > 0 && run.computeSeconds() > 0 && run.fetchSeconds() > 0, run.toString());
        assertEquals("gramian", run.method()); // what truncated_svd reports it ran
        assertTrue(Double.isNaN(run.errorEstimate()), "no estimate for truncated_svd");
    }

    @Test
    void randomizedAgreesWithMllibOnADecayingSpectrumAndItsEstimateBoundsTheError() {
        // σⱼ about 10·√2000·0.8^j. With l = 18 samples and 2 power iterations the Ritz values' relative
        // error is about (σ₁₉/σ₈)^10 = 0.8^100 = 2e-10; 1e-8 leaves room for the spectrum's unevenness.
        double[][] a = SparkTests.separated(2000, 40, 19);
        IndexedRowMatrix m = new IndexedRowMatrix(jsc.parallelize(SparkTests.shuffledRows(a, i -> true, 20), 4).rdd());
        m.rows().cache();
        var mllib = m.computeSVD(8, false, 1e-9);
        AlchemistSVD.Run run = AlchemistSVD.run(ac, m, 8, true, SvdOptions.randomized(10, 2, 3L));
        var ours = run.svd();
        assertEquals("randomized", run.method());
        for (int i = 0; i < 8; i++) {
            double rel = Math.abs(mllib.s().apply(i) - ours.s().apply(i)) / mllib.s().apply(i);
            assertTrue(rel <= 1e-8, "sigma_" + i + ": MLlib " + mllib.s().apply(i) + ", randomized " + ours.s().apply(i));
        }
        Map<Long, double[]> u = rowsByIndex(ours.U());
        double[][] residual = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            residual[i] = a[i].clone();
            for (int j = 0; j < a[0].length; j++) {
                for (int l = 0; l < 8; l++) {
                    residual[i][j] -= u.get((long) i)[l] * ours.s().apply(l) * ours.V().apply(j, l);
                }
            }
        }
        double measured = alchemist.server.LapackReference.singularValues(residual)[0];
        double[] sigma = alchemist.server.LapackReference.singularValues(a);
        assertTrue(run.errorEstimate() >= measured && run.errorEstimate() <= 100 * measured,
                "estimate " + run.errorEstimate() + ", measured " + measured);
        assertTrue(run.errorEstimate() >= sigma[8], "estimate " + run.errorEstimate() + " < sigma_9 " + sigma[8]);

        RowMatrix rm = m.toRowMatrix();
        var rowSvd = AlchemistSVD.computeSVD(rm, 8, false, SvdOptions.randomized(10, 2, 3L));
        assertNull(rowSvd.U());
        // Its rows in another order (toRowMatrix drops the indices): the same Ω, so the same σ up to rounding.
        for (int i = 0; i < 8; i++) {
            assertEquals(ours.s().apply(i), rowSvd.s().apply(i), 1e-12 * ours.s().apply(0), "sigma_" + i);
        }
    }

    @Test
    void sparseIndexedInputGivesURowsForThePresentIndicesOnly() {
        double[][] a = SparkTests.separated(1200, 30, 13);
        IndexedRowMatrix m = new IndexedRowMatrix(jsc.parallelize(SparkTests.shuffledRows(a, i -> i % 5 != 2, 14), 4).rdd());
        var mllib = m.computeSVD(5, true, 1e-9);
        var ours = ac.computeSVD(m, 5, true);

        assertSingularValuesAgree(mllib.s(), ours.s());
        Map<Long, double[]> mllibU = rowsByIndex(mllib.U());
        Map<Long, double[]> ourU = rowsByIndex(ours.U());
        assertEquals(mllibU.keySet(), ourU.keySet());
        assertRowsAgreeUpToSign(mllibU, ourU, signs(mllib.V(), ours.V()));
    }

    @Test
    void rowMatrixAndTheStaticDropInUseTheActiveContext() {
        assertSame(ac, AlchemistContext.getOrCreate(spark));
        double[][] a = SparkTests.separated(800, 20, 15);
        IndexedRowMatrix m = new IndexedRowMatrix(jsc.parallelize(SparkTests.shuffledRows(a, i -> true, 16), 3).rdd());
        var mllib = m.computeSVD(4, false, 1e-9);
        var ours = AlchemistSVD.computeSVD(m, 4, false);
        assertNull(ours.U());
        assertSingularValuesAgree(mllib.s(), ours.s());

        RowMatrix rm = m.toRowMatrix();
        SingularValueDecomposition<RowMatrix, Matrix> rowSvd = AlchemistSVD.computeSVD(rm, 4, true);
        assertSingularValuesAgree(mllib.s(), rowSvd.s());
        assertEquals(800, rowSvd.U().numRows());
    }

    @Test
    void nothingIsLeftOnAlchemistAfterwards() {
        double[][] a = SparkTests.separated(300, 10, 17);
        IndexedRowMatrix m = new IndexedRowMatrix(jsc.parallelize(SparkTests.shuffledRows(a, i -> true, 18), 2).rdd());
        ac.computeSVD(m, 3, true);
        for (var w : ac.embeddedServer().server().workers()) {
            assertEquals(0, w.store().size(), "matrices left on worker " + w.id());
        }
    }

    private static void assertSingularValuesAgree(Vector expected, Vector actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            double rel = Math.abs(expected.apply(i) - actual.apply(i)) / expected.apply(0);
            assertTrue(rel <= S_TOLERANCE, "sigma_" + i + ": MLlib " + expected.apply(i) + ", Alchemist "
                    + actual.apply(i) + " (relative difference " + rel + ")");
        }
    }

    /** @return +1 or -1 per column: how Alchemist's singular vectors are signed relative to MLlib's */
    private static double[] signs(Matrix expected, Matrix actual) {
        double[] s = new double[expected.numCols()];
        for (int j = 0; j < s.length; j++) {
            double dot = 0;
            for (int i = 0; i < expected.numRows(); i++) {
                dot += expected.apply(i, j) * actual.apply(i, j);
            }
            s[j] = Math.signum(dot);
        }
        return s;
    }

    private static void assertColumnsAgreeUpToSign(Matrix expected, Matrix actual) {
        assertEquals(expected.numRows(), actual.numRows());
        assertEquals(expected.numCols(), actual.numCols());
        double[] s = signs(expected, actual);
        for (int j = 0; j < s.length; j++) {
            for (int i = 0; i < expected.numRows(); i++) {
                assertEquals(expected.apply(i, j), s[j] * actual.apply(i, j), VECTOR_TOLERANCE, "V(" + i + ", " + j + ")");
            }
        }
    }

    private static void assertRowsAgreeUpToSign(Map<Long, double[]> expected, Map<Long, double[]> actual, double[] signs) {
        assertEquals(expected.keySet(), actual.keySet());
        for (var e : expected.entrySet()) {
            double[] want = e.getValue();
            double[] got = actual.get(e.getKey());
            for (int j = 0; j < want.length; j++) {
                assertEquals(want[j], signs[j] * got[j], VECTOR_TOLERANCE, "U(" + e.getKey() + ", " + j + ")");
            }
        }
    }

    private static Map<Long, double[]> rowsByIndex(IndexedRowMatrix m) {
        Map<Long, double[]> out = new TreeMap<>();
        List<IndexedRow> rows = m.rows().toJavaRDD().collect();
        for (IndexedRow r : rows) {
            out.put(r.index(), r.vector().toArray());
        }
        return out;
    }
}
