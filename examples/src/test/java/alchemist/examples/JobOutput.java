package alchemist.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

/** Checks on what the SVD examples print. */
final class JobOutput {
    private static final String LARGEST = "largest relative difference: ";

    private JobOutput() {
    }

    /** @return the rows of the singular value table, in order: {i, first column, second column, difference} */
    static List<double[]> table(String out) {
        List<double[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[0].matches("\\d+") && f[1].matches("[0-9.]+e[+-]\\d+")) {
                assertEquals(rows.size(), Integer.parseInt(f[0]), "rows in order: " + line);
                rows.add(new double[] {Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3])});
            }
        }
        return rows;
    }

    /**
     * Asserts that the output has a singular value table of {@code k} rows, each within 1e-9 of its reference,
     * and a largest relative difference within 1e-9.
     */
    static void assertSingularValuesAgree(String out, int k) {
        List<double[]> rows = table(out);
        assertEquals(k, rows.size(), "singular values printed\n" + out);
        for (double[] row : rows) {
            assertTrue(row[3] <= 1e-9 && Math.abs(row[1] - row[2]) <= 1e-9 * row[2],
                    "singular value " + (int) row[0] + " differs: " + row[1] + " and " + row[2]);
        }
        int at = out.lastIndexOf(LARGEST);
        assertTrue(at >= 0, "no '" + LARGEST + "' line\n" + out);
        double largest = Double.parseDouble(out.substring(at + LARGEST.length()).split("\\s")[0]);
        assertTrue(largest <= 1e-9, "largest relative difference " + largest);
    }
}
