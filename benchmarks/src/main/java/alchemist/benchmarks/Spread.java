package alchemist.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The spread of a benchmark's repeated times: fastest, median and slowest of {@code runs} runs, in seconds. */
record Spread(double min, double median, double max, int runs) {
    static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);

    static Spread of(List<Double> seconds) {
        if (seconds.isEmpty()) {
            return NONE;
        }
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Spread(sorted.get(0), median, sorted.get(n - 1), n);
    }

    /** @return "1.23 / 1.25 / 1.40 s" (min / median / max), "1.23 s" for one run, "n/a" for none */
    @Override
    public String toString() {
        if (runs == 0) {
            return "n/a";
        }
        return runs == 1 ? String.format(Locale.ROOT, "%.2f s", min)
                : String.format(Locale.ROOT, "%.2f / %.2f / %.2f s", min, median, max);
    }
}
