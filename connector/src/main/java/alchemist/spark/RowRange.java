package alchemist.spark;

import alchemist.protocol.MatrixLayout;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows {@code [start, end)} of a matrix, all on one worker: what one partition of a fetched
 * {@code IndexedRowMatrix} pulls from Alchemist.
 */
record RowRange(int workerId, long start, long end) implements Serializable {

    /**
     * Splits a matrix's rows into about {@code partitions} ranges of similar size, none crossing a worker's
     * boundary, in row order.
     */
    static List<RowRange> split(MatrixLayout layout, int partitions) {
        long perRange = Math.max(1, -Math.floorDiv(-layout.numRows(), Math.max(1, partitions)));
        List<RowRange> ranges = new ArrayList<>();
        for (int i = 0; i < layout.numWorkers(); i++) {
            long end = layout.rowEnd(i);
            for (long from = layout.rowStart(i); from < end; from += perRange) {
                ranges.add(new RowRange(layout.workerId(i), from, Math.min(end, from + perRange)));
            }
        }
        return ranges;
    }

    int rows() {
        return (int) (end - start);
    }
}
