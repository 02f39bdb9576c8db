package alchemist.benchmarks;

import alchemist.benchmarks.ScaleBenchResults.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * ScaleBench's times as PNG charts (seconds on a log scale), for each matrix (shape and spectrum):
 * {@code scale-k-MxN-SPECTRUM.png}, time against k (allib for each backend and worker count, the LAPACK reference,
 * MLlib auto where it finished); and for each k {@code scale-workers-MxN-SPECTRUM-kK.png}, time against the number
 * of workers (embedded and MPI), the LAPACK reference a flat line.
 */
final class ScaleBenchChart {
    private ScaleBenchChart() {
    }

    /** @return the charts written to {@code dir} */
    static List<Path> write(ScaleBenchResults results, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> written = new ArrayList<>();
        Map<String, List<Row>> byMatrix = results.rows().stream()
                .collect(Collectors.groupingBy(r -> r.shape() + "-" + r.spectrum(), LinkedHashMap::new, Collectors.toList()));
        for (Map.Entry<String, List<Row>> matrix : byMatrix.entrySet()) {
            List<Row> rows = matrix.getValue();
            String title = String.format("%,d × %,d, %s spectrum", rows.get(0).rows(), rows.get(0).cols(), rows.get(0).spectrum());
            XYChart byK = chart("Truncated SVD against k: " + title, "k");
            for (Map.Entry<String, List<Row>> cell : group(rows, r -> r.backend() + ", " + r.workers() + " workers").entrySet()) {
                add(byK, "allib " + cell.getKey(), cell.getValue(), Row::k, r -> r.allib().min(), false);
            }
            add(byK, "LAPACK, 1 process", first(rows, Row::k), Row::k, r -> r.lapack().min(), true);
            add(byK, "MLlib auto", first(rows, Row::k), Row::k, Row::mllibSeconds, false);
            written.add(save(byK, dir.resolve("scale-k-" + matrix.getKey() + ".png")));

            for (Map.Entry<Integer, List<Row>> k : rows.stream().collect(Collectors.groupingBy(Row::k, LinkedHashMap::new,
                    Collectors.toList())).entrySet()) {
                XYChart byWorkers = chart("Truncated SVD against workers: " + title + ", k = " + k.getKey(), "workers");
                for (Map.Entry<String, List<Row>> backend : group(k.getValue(), Row::backend).entrySet()) {
                    add(byWorkers, "allib " + backend.getKey(), backend.getValue(), Row::workers, r -> r.allib().min(), false);
                }
                add(byWorkers, "LAPACK, 1 process", k.getValue(), Row::workers, r -> r.lapack().min(), true);
                written.add(save(byWorkers, dir.resolve("scale-workers-" + matrix.getKey() + "-k" + k.getKey() + ".png")));
            }
        }
        return written;
    }

    private static XYChart chart(String title, String xTitle) {
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title).xAxisTitle(xTitle)
                .yAxisTitle("seconds (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(10);
        return chart;
    }

    private static <K> Map<K, List<Row>> group(List<Row> rows, Function<Row, K> key) {
        return rows.stream().collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.toList()));
    }

    /** @return the first row of each value of {@code key} (the reference and MLlib repeat on every cell of a k) */
    private static List<Row> first(List<Row> rows, Function<Row, Integer> key) {
        return new ArrayList<>(rows.stream().collect(Collectors.toMap(key, r -> r, (a, b) -> a, LinkedHashMap::new)).values());
    }

    /** Adds a series of the rows' finite, positive times (none: no series), sorted by x. */
    private static void add(XYChart chart, String name, List<Row> rows, Function<Row, Integer> x, ToDoubleFunction<Row> y,
            boolean line) {
        Predicate<Row> measured = r -> y.applyAsDouble(r) > 0 && Double.isFinite(y.applyAsDouble(r));
        List<Row> points = first(rows.stream().filter(measured).toList(), x).stream()
                .sorted((a, b) -> Integer.compare(x.apply(a), x.apply(b))).toList();
        if (points.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, points.stream().map(x).toList(),
                points.stream().map(r -> y.applyAsDouble(r)).toList());
        if (line) {
            s.setMarker(SeriesMarkers.NONE);
        }
    }

    private static Path save(XYChart chart, Path png) throws IOException {
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return png;
    }
}
