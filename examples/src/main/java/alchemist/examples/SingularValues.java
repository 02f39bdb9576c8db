package alchemist.examples;

import java.io.PrintStream;

/** Two sets of singular values side by side, and how far apart they are. */
public final class SingularValues {
    private SingularValues() {
    }

    /**
     * @return the largest |a_i - b_i| / |b_i| over the first min(len) values (b the reference), or
     *         infinity when the lengths differ (one method found fewer values above its threshold)
     */
    public static double maxRelativeDifference(double[] a, double[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
        }
        return worst;
    }

    /** Prints one line per value: index, a, b, relative difference; then the largest difference. */
    public static void print(PrintStream out, String nameA, double[] a, String nameB, double[] b) {
        out.printf("   i   %-22s  %-22s  relative difference%n", nameA, nameB);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            out.printf("%4d   %-22s  %-22s  %s%n", i, value(a, i), value(b, i),
                    i < a.length && i < b.length ? String.format("%.1e", Math.abs(a[i] - b[i]) / Math.abs(b[i])) : "-");
        }
        out.printf("largest relative difference: %.1e%n", maxRelativeDifference(a, b));
    }

    private static String value(double[] v, int i) {
        return i < v.length ? String.format("%.15e", v[i]) : "-";
    }
}
