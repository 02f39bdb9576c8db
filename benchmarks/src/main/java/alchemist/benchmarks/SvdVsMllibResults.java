package alchemist.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What SvdVsMllib measured: one row per size and method, written as CSV and summed up as a Markdown table. */
final class SvdVsMllibResults {
    static final String MLLIB_AUTO = "MLlib auto";
    static final String MLLIB_LOCAL_EIGS = "MLlib local-eigs";
    static final String ALCHEMIST = "Alchemist embedded";
    static final String ALCHEMIST_MPI = "Alchemist MPI";
    static final String SEND = "send";
    static final String FETCH = "fetch";
    static final String RAW = "raw loopback";

    /**
     * One measurement: the best of {@code runs} runs. NaN where a column does not apply (phases for MLlib,
     * rates for SVDs).
     */
    record Row(String size, long rows, int cols, int k, double decay, String method, int runs, double seconds, double sendSeconds,
            double computeSeconds, double fetchSeconds, double gbPerSecond, double maxRelativeDifference) {
    }

    private final List<Row> rows = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
    }

    List<Row> rows() {
        return rows;
    }

    /** @return the sizes measured, in order */
    List<String> sizes() {
        Set<String> sizes = new LinkedHashSet<>();
        rows.forEach(r -> sizes.add(r.size()));
        return new ArrayList<>(sizes);
    }

    Optional<Row> find(String size, String method) {
        return rows.stream().filter(r -> r.size().equals(size) && r.method().equals(method)).findFirst();
    }

    void writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("rows,cols,k,decay,method,runs,best_seconds,send_seconds,compute_seconds,fetch_seconds,gb_per_second,"
                + "max_relative_difference_vs_mllib_auto");
        for (Row r : rows) {
            lines.add(String.join(",", Long.toString(r.rows()), Integer.toString(r.cols()), Integer.toString(r.k()),
                    csv(r.decay()), r.method(), Integer.toString(r.runs()), csv(r.seconds()), csv(r.sendSeconds()),
                    csv(r.computeSeconds()), csv(r.fetchSeconds()), csv(r.gbPerSecond()), csv(r.maxRelativeDifference())));
        }
        Files.write(file, lines);
    }

    private static String csv(double x) {
        return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.6g", x);
    }

    /** Prints the table for benchmarks/README.md: times, the ratios the project aims at, and transfer rates. */
    void printMarkdown(PrintStream out) {
        boolean mpi = rows.stream().anyMatch(r -> r.method().equals(ALCHEMIST_MPI));
        out.println("| m × n | MLlib auto | MLlib local-eigs | Alchemist end to end (send + compute + fetch U) "
                + (mpi ? "| Alchemist on MPI " : "") + "| auto / Alchemist | local-eigs / Alchemist | send GB/s (× raw) "
                + "| fetch GB/s (× raw) | raw loopback GB/s | S vs MLlib auto |");
        out.println("|---|---|---|---|" + (mpi ? "---|" : "") + "---|---|---|---|---|---|");
        for (String size : sizes()) {
            Row al = find(size, ALCHEMIST).orElseThrow();
            double auto = seconds(size, MLLIB_AUTO);
            double local = seconds(size, MLLIB_LOCAL_EIGS);
            double raw = find(size, RAW).map(Row::gbPerSecond).orElse(Double.NaN);
            out.printf(Locale.ROOT, "| %s | %s | %s | %.2f s (%.2f + %.2f + %.2f) %s| %.1f× | %.1f× | %s | %s | %.2f | %s |%n",
                    size, timed(size, MLLIB_AUTO), timed(size, MLLIB_LOCAL_EIGS), al.seconds(), al.sendSeconds(),
                    al.computeSeconds(), al.fetchSeconds(), mpi ? "| " + timed(size, ALCHEMIST_MPI) + " " : "",
                    auto / al.seconds(), local / al.seconds(), rate(size, SEND, raw), rate(size, FETCH, raw), raw,
                    agreement(size));
        }
    }

    private double seconds(String size, String method) {
        return find(size, method).map(Row::seconds).orElse(Double.NaN);
    }

    private String timed(String size, String method) {
        return find(size, method).map(r -> String.format(Locale.ROOT, "%.2f s%s", r.seconds(),
                r.runs() == 1 ? " (1 run)" : "")).orElse("-");
    }

    private String rate(String size, String method, double raw) {
        return find(size, method).map(r -> String.format(Locale.ROOT, "%.2f (%.2f)", r.gbPerSecond(),
                r.gbPerSecond() / raw)).orElse("-");
    }

    /** @return the largest difference of any method's singular values from MLlib auto's */
    private String agreement(String size) {
        double worst = rows.stream().filter(r -> r.size().equals(size) && !Double.isNaN(r.maxRelativeDifference()))
                .mapToDouble(Row::maxRelativeDifference).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.1e", worst);
    }
}
