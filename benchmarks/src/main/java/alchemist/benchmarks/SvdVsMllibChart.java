package alchemist.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * SvdVsMllib's times as a PNG chart: seconds (log scale) of each method, a marker each, grouped by matrix size.
 * (XChart draws no bars on a log axis: they start at zero.)
 */
final class SvdVsMllibChart {
    private static final List<String> METHODS = List.of(SvdVsMllibResults.MLLIB_AUTO, SvdVsMllibResults.MLLIB_LOCAL_EIGS,
            SvdVsMllibResults.ALCHEMIST, SvdVsMllibResults.ALCHEMIST_MPI);

    private SvdVsMllibChart() {
    }

    static void write(SvdVsMllibResults results, int k, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(600)
                .title("Truncated SVD, k = " + k + ": MLlib computeSVD vs Alchemist (Spark local[2], 2 workers)")
                .xAxisTitle("m × n").yAxisTitle("seconds, end to end (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(14);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
        List<String> sizes = results.sizes();
        for (String method : METHODS) {
            List<Double> seconds = new ArrayList<>();
            for (String size : sizes) {
                seconds.add(results.find(size, method).map(SvdVsMllibResults.Row::seconds).orElse(null));
            }
            if (seconds.stream().anyMatch(s -> s != null)) {
                chart.addSeries(method, sizes, seconds);
            }
        }
        // Whole decades, so that the log axis has labels at both ends.
        double[] all = results.rows().stream().filter(r -> METHODS.contains(r.method()))
                .mapToDouble(SvdVsMllibResults.Row::seconds).toArray();
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(Arrays.stream(all).min().orElse(0.1)))));
        chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(Arrays.stream(all).max().orElse(10)))));
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
