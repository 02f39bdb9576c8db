package alchemist.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.TaskContext;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.distributed.IndexedRow;
import org.apache.spark.sql.SparkSession;

/** Spark sessions and matrices for the connector's Spark tests. */
final class SparkTests {
    private SparkTests() {
    }

    /** A local Spark session without UI; {@code master} such as "local[2,3]" (2 cores, 3 attempts per task). */
    static SparkSession localSession(String master) {
        return SparkSession.builder().master(master).appName("alchemist-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    /** @return the library directory with allib.jar that the build prepared */
    static Path libraryDir() {
        return Path.of(System.getProperty("alchemist.test.libraryDir", "target/libraries"));
    }

    /**
     * A seeded m×n matrix with well separated singular values (columns of a Gaussian matrix scaled by
     * 10·0.8^j), so that singular vectors are well defined and comparable across implementations.
     */
    static double[][] separated(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian() * 10 * Math.pow(0.8, j);
            }
        }
        return a;
    }

    /** @return the rows whose index {@code keep} accepts, as IndexedRows in a seeded random order */
    static List<IndexedRow> shuffledRows(double[][] a, java.util.function.LongPredicate keep, long seed) {
        List<IndexedRow> rows = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (keep.test(i)) {
                rows.add(new IndexedRow(i, new DenseVector(a[i].clone())));
            }
        }
        Collections.shuffle(rows, new Random(seed));
        return rows;
    }

    /** Asserts that two rows are equal bit for bit. */
    static void assertRowEquals(double[] expected, double[] actual, long row) {
        assertEquals(expected.length, actual.length, "length of row " + row);
        for (int j = 0; j < expected.length; j++) {
            if (Double.doubleToRawLongBits(expected[j]) != Double.doubleToRawLongBits(actual[j])) {
                assertEquals(expected[j], actual[j], "element (" + row + ", " + j + ")");
            }
        }
    }

    /** Passes half of a partition's rows on, then fails the task, on its first attempt only. */
    static Iterator<IndexedRow> failHalfwayOnFirstAttempt(Iterator<IndexedRow> rows) {
        if (TaskContext.get().attemptNumber() > 0) {
            return rows;
        }
        List<IndexedRow> all = new ArrayList<>();
        rows.forEachRemaining(all::add);
        Iterator<IndexedRow> half = all.subList(0, all.size() / 2).iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public IndexedRow next() {
                if (!half.hasNext()) {
                    throw new IllegalStateException("injected failure halfway through a send");
                }
                return half.next();
            }
        };
    }
}
