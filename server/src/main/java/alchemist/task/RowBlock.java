package alchemist.task;

/**
 * A worker's rows of a distributed matrix: global rows {@code [firstRow, firstRow + localRows)}, all
 * columns, dense, row-major in {@link #values()}. Writing into {@code values()} writes the matrix.
 */
public interface RowBlock {
    /** @return rows of the whole matrix */
    long numRows();

    /** @return columns of the whole matrix */
    int numCols();

    /** @return the first global row held here */
    long firstRow();

    /** @return rows held here (may be 0) */
    int localRows();

    /** @return the rows held here, row-major: element (firstRow + i, j) is {@code values()[i * numCols() + j]} */
    double[] values();
}
