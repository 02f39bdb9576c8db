package alchemist.client;

import alchemist.protocol.MessageWriter;

/**
 * The rows of a dense matrix, readable in chunks, so that a matrix can be sent without holding it whole
 * in memory (an HDF5 dataset, a generator, a Java array). Senders call it from one thread per worker,
 * for disjoint row ranges; an implementation that cannot read concurrently synchronizes.
 */
public interface RowSource {
    /** @return number of rows */
    long numRows();

    /** @return number of columns */
    int numCols();

    /**
     * Reads rows {@code [firstRow, firstRow + count)} row-major into {@code dst[0 .. count * numCols())}.
     *
     * @throws IllegalArgumentException if the range lies outside the matrix or {@code dst} is too small
     */
    void readRows(long firstRow, int count, double[] dst);

    /**
     * Writes columns {@code [firstCol, firstCol + width)} of rows {@code [firstRow, firstRow + count)}, row-major,
     * into a message. The default reads through {@code scratch} (at least {@code count * numCols()} values);
     * sources that hold their rows override it to write them directly.
     */
    default void writeBlock(long firstRow, int count, int firstCol, int width, double[] scratch, MessageWriter out) {
        readRows(firstRow, count, scratch);
        int cols = numCols();
        if (width == cols) {
            out.putDoubles(scratch, 0, count * cols);
        } else {
            for (int i = 0; i < count; i++) {
                out.putDoubles(scratch, i * cols + firstCol, width);
            }
        }
    }
}
