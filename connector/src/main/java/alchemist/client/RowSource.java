package alchemist.client;

/**
 * The rows of a dense matrix, readable in chunks, so that a matrix can be sent without holding it whole
 * in memory (an HDF5 dataset, a generator, a Java array).
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
}
