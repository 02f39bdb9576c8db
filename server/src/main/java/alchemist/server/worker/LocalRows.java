package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import alchemist.task.RowBlock;

/**
 * A worker's rows of one matrix: global rows {@code [firstRow, firstRow + localRows)}, all columns,
 * dense, row-major in one array (so at most 2^31 - 8 values, 16 GiB, per worker and matrix). Rows never
 * written are zero, as in {@code IndexedRowMatrix}.
 *
 * <p>Concurrent writes to disjoint rows are safe (several data connections fill one matrix).
 */
public final class LocalRows implements RowBlock {
    /** The most values one worker holds of one matrix: the JVM's array limit. */
    public static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    private final int matrixId;
    private final int sessionId;
    private final long numRows;
    private final long firstRow;
    private final int localRows;
    private final int numCols;
    private final double[] values;

    LocalRows(int matrixId, int sessionId, long numRows, long firstRow, int localRows, int numCols) {
        this.matrixId = matrixId;
        this.sessionId = sessionId;
        this.numRows = numRows;
        this.firstRow = firstRow;
        this.localRows = localRows;
        this.numCols = numCols;
        this.values = new double[localRows * numCols];
    }

    /** @return bytes a worker needs for {@code rows × cols} values */
    static long bytesFor(long rows, long cols) {
        return rows * cols * Double.BYTES;
    }

    public int matrixId() {
        return matrixId;
    }

    public int sessionId() {
        return sessionId;
    }

    @Override
    public long numRows() {
        return numRows;
    }

    @Override
    public int numCols() {
        return numCols;
    }

    @Override
    public long firstRow() {
        return firstRow;
    }

    @Override
    public int localRows() {
        return localRows;
    }

    @Override
    public double[] values() {
        return values;
    }

    /** @return bytes held */
    public long bytes() {
        return bytesFor(localRows, numCols);
    }

    /**
     * Checks a block's inclusive bounds against the rows held here and the matrix's columns.
     *
     * @throws AlchemistException {@link ErrorCode#BAD_BLOCK_BOUNDS} naming the block and the valid ranges
     */
    public void checkBlock(long r0, long r1, long c0, long c1) {
        if (r0 < firstRow || r1 >= firstRow + localRows || r0 > r1 || c0 < 0 || c1 >= numCols || c0 > c1) {
            throw new AlchemistException(ErrorCode.BAD_BLOCK_BOUNDS, "block rows " + r0 + ".." + r1 + ", cols "
                    + c0 + ".." + c1 + " of matrix " + matrixId + " is outside this worker's rows "
                    + (localRows == 0 ? "(none)" : firstRow + ".." + (firstRow + localRows - 1)) + " and cols 0.."
                    + (numCols - 1));
        }
    }

    /** Copies a checked block's values, row-major, from the message into the rows. */
    public void write(long r0, long r1, int c0, int c1, MessageReader in) {
        forEachSpan(r0, r1, c0, c1, (offset, length) -> in.readDoubles(values, offset, length));
    }

    /** Copies a checked block's values, row-major, from the rows into the message. */
    public void read(long r0, long r1, int c0, int c1, MessageWriter out) {
        forEachSpan(r0, r1, c0, c1, (offset, length) -> out.putDoubles(values, offset, length));
    }

    /** Visits the block as the fewest contiguous spans: one span for full rows. */
    private void forEachSpan(long r0, long r1, int c0, int c1, SpanVisitor visitor) {
        int width = c1 - c0 + 1;
        int first = (int) (r0 - firstRow);
        int rows = (int) (r1 - r0 + 1);
        if (width == numCols) {
            visitor.visit(first * numCols, rows * numCols);
        } else {
            for (int i = 0; i < rows; i++) {
                visitor.visit((first + i) * numCols + c0, width);
            }
        }
    }

    @FunctionalInterface
    private interface SpanVisitor {
        void visit(int offset, int length);
    }
}
