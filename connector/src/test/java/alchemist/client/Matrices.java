package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

/** Test matrices and exact comparison. */
public final class Matrices {
    private Matrices() {
    }

    /** A seeded random matrix whose values use all 64 bits (so a lossy copy shows). */
    public static double[][] random(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian() * Math.exp(rnd.nextInt(40) - 20);
            }
        }
        return a;
    }

    /** Asserts bit-exact equality of {@code actual} with the block of {@code expected} at (r0, c0). */
    public static void assertBlockEquals(double[][] expected, int r0, int c0, double[][] actual) {
        for (int i = 0; i < actual.length; i++) {
            for (int j = 0; j < actual[i].length; j++) {
                long want = Double.doubleToRawLongBits(expected[r0 + i][c0 + j]);
                long got = Double.doubleToRawLongBits(actual[i][j]);
                if (want != got) {
                    assertEquals(expected[r0 + i][c0 + j], actual[i][j], "element (" + (r0 + i) + ", " + (c0 + j) + ")");
                }
            }
        }
    }

    /** The shape of a matrix the server must refuse: reading its rows fails the test. */
    static RowSource unreadable(long rows, int cols) {
        return new RowSource() {
            @Override
            public long numRows() {
                return rows;
            }

            @Override
            public int numCols() {
                return cols;
            }

            @Override
            public void readRows(long firstRow, int count, double[] dst) {
                throw new AssertionError("a matrix the server refused must not be sent");
            }
        };
    }
}
