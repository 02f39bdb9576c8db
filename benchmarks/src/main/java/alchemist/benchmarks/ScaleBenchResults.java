package alchemist.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What ScaleBench measured: one row per cell (shape, spectrum, k, backend, workers), with the LAPACK reference
 * and MLlib of the same matrix and k repeated on each, written as CSV (with the machine's facts on every row)
 * and printed as a Markdown table.
 */
final class ScaleBenchResults {
    /** MLlib's time when it did not finish within the cap. */
    static final double OVER_CAP = Double.POSITIVE_INFINITY;

    /**
     * One cell. NaN where something was not measured (randomized_svd absent or off, MLlib off or too large for
     * the heap); {@code method} "?" where truncated_svd does not say; {@code note} says why a cell is missing.
     *
     * @param blasThreads      BLAS threads of each worker (embedded: this process's setting; MPI: each rank's)
     * @param lapackThreads    BLAS threads of the single-process reference
     * @param allibVsLapack    largest relative difference of allib's singular values from the reference's
     * @param randomizedError  largest relative difference of randomized_svd's singular values from the reference's
     * @param mllibSeconds     {@link #OVER_CAP} past the cap
     */
    record Row(long rows, int cols, String spectrum, int k, String backend, int workers, int blasThreads, Spread allib,
            String method, double allibVsLapack, Spread lapack, int lapackThreads, Spread randomized,
            double randomizedError, double randomizedEstimate, double mllibSeconds, double mllibCap, String note) {
        String shape() {
            return rows + "x" + cols;
        }

        Row withMllib(double seconds, double cap) {
            return new Row(rows, cols, spectrum, k, backend, workers, blasThreads, allib, method, allibVsLapack, lapack,
                    lapackThreads, randomized, randomizedError, randomizedEstimate, seconds, cap, note);
        }
    }

    /** The machine when the run started. */
    record Machine(String date, int cores, String loadAverage, long heapBytes, String blas) {
    }

    private final Machine machine;
    private final List<Row> rows = new ArrayList<>();

    ScaleBenchResults(Machine machine) {
        this.machine = machine;
    }

    void add(Row row) {
        rows.add(row);
    }

    List<Row> rows() {
        return rows;
    }

    void writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("date,cores,load_average_at_start,heap_gib,rows,cols,spectrum,k,backend,workers,blas_threads_per_worker,"
                + "allib_min_seconds,allib_median_seconds,allib_max_seconds,allib_runs,method,allib_max_relative_difference,"
                + "lapack_min_seconds,lapack_median_seconds,lapack_max_seconds,lapack_blas_threads,randomized_min_seconds,"
                + "randomized_median_seconds,randomized_max_seconds,randomized_max_relative_error,randomized_error_estimate,"
                + "mllib_auto_seconds,mllib_cap_seconds,note");
        for (Row r : rows) {
            lines.add(String.join(",", machine.date(), Integer.toString(machine.cores()), machine.loadAverage(),
                    csv(machine.heapBytes() / (double) (1L << 30)), Long.toString(r.rows()), Integer.toString(r.cols()),
                    r.spectrum(), Integer.toString(r.k()), r.backend(), Integer.toString(r.workers()),
                    Integer.toString(r.blasThreads()), csv(r.allib().min()), csv(r.allib().median()), csv(r.allib().max()),
                    Integer.toString(r.allib().runs()), r.method(), csv(r.allibVsLapack()), csv(r.lapack().min()),
                    csv(r.lapack().median()), csv(r.lapack().max()), Integer.toString(r.lapackThreads()),
                    csv(r.randomized().min()), csv(r.randomized().median()), csv(r.randomized().max()),
                    csv(r.randomizedError()), csv(r.randomizedEstimate()),
                    r.mllibSeconds() == OVER_CAP ? ">" + csv(r.mllibCap()) : csv(r.mllibSeconds()), csv(r.mllibCap()),
                    '"' + r.note().replace("\"", "'") + '"'));
        }
        Files.write(file, lines);
    }

    private static String csv(double x) {
        return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.6g", x);
    }

    /** Prints the table for benchmarks/README.md. */
    void printMarkdown(PrintStream out) {
        out.printf(Locale.ROOT, "%s, %d cores, load average %s at the start, heap %.0f GiB, %s%n%n", machine.date(),
                machine.cores(), machine.loadAverage(), machine.heapBytes() / (double) (1L << 30), machine.blas());
        out.println("| m × n | spectrum | k | backend | workers (BLAS threads each) | allib truncated_svd, min / median / max "
                + "| method | S vs LAPACK | LAPACK, 1 process (threads) | allib / LAPACK | randomized_svd | randomized S error (estimate) "
                + "| MLlib auto | note |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "| %,d × %,d | %s | %d | %s | %d (%s) | %s | %s | %.1e | %s | %s | %s | %s | %s | %s |%n",
                    r.rows(), r.cols(), r.spectrum(), r.k(), r.backend(), r.workers(), threads(r.blasThreads()),
                    r.allib(), r.method(), r.allibVsLapack(), r.lapack().runs() == 0 ? "-"
                            : String.format(Locale.ROOT, "%.2f s (%s)", r.lapack().min(), threads(r.lapackThreads())),
                    ratio(r.allib().min() / r.lapack().min()), r.randomized(),
                    Double.isNaN(r.randomizedError()) ? "n/a" : String.format(Locale.ROOT, "%.1e (%.1e)",
                            r.randomizedError(), r.randomizedEstimate()), mllib(r), r.note());
        }
    }

    private static String threads(int n) {
        return n < 0 ? "?" : Integer.toString(n);
    }

    private static String ratio(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2f", x);
    }

    private static String mllib(Row r) {
        if (r.mllibSeconds() == OVER_CAP) {
            return String.format(Locale.ROOT, "> %.0f s", r.mllibCap());
        }
        return Double.isNaN(r.mllibSeconds()) ? "-" : String.format(Locale.ROOT, "%.2f s", r.mllibSeconds());
    }
}
