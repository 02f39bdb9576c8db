package alchemist.examples;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** Rows {@code [start, end)} of a matrix: what one partition of an input matrix reads or makes on an executor. */
public record RowSpan(long start, long end) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Splits rows {@code [0, rows)} into at most {@code partitions} spans of similar size, in order. When
     * spans hold at least {@code align} rows, each starts at a multiple of {@code align} (so a reader with a
     * natural block size, such as an HDF5 chunk, never reads a block for two spans).
     */
    public static List<RowSpan> split(long rows, int partitions, int align) {
        long perSpan = Math.max(1, -Math.floorDiv(-rows, Math.max(1, partitions)));
        if (perSpan >= align) {
            perSpan = -Math.floorDiv(-perSpan, align) * align;
        }
        List<RowSpan> spans = new ArrayList<>();
        for (long from = 0; from < rows; from += perSpan) {
            spans.add(new RowSpan(from, Math.min(rows, from + perSpan)));
        }
        return spans;
    }

    /** @return how many rows the span holds */
    public int size() {
        return Math.toIntExact(end - start);
    }
}
