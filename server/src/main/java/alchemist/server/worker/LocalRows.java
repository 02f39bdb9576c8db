package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;

/**
 * A worker's rows of one matrix: global rows {@code [firstRow, firstRow + numRows)}, all columns, dense,
 * row-major. Rows are kept in slabs (Java arrays hold at most 2^31 values); nearly always one slab.
 * Rows never written are zero, as in {@code IndexedRowMatrix}.
 *
 * <p>Concurrent writes to disjoint rows are safe (several data connections fill one matrix).
 */
public final class LocalRows {
    /** The most values one slab holds: the JVM's array limit. */
    static final int MAX_SLAB_VALUES = Integer.MAX_VALUE - 8;

    private final int matrixId;
    private final int sessionId;
    private final long firstRow;
    private final int numRows;
    private final int numCols;
    private final int rowsPerSlab;
    private final double[][] slabs;

    LocalRows(int matrixId, int sessionId, long firstRow, int numRows, int numCols, int maxSlabValues) {
        this.matrixId = matrixId;
        this.sessionId = sessionId;
        this.firstRow = firstRow;
        this.numRows = numRows;
        this.numCols = numCols;
        this.rowsPerSlab = Math.max(1, maxSlabValues / Math.max(1, numCols));
        int count = numRows == 0 ? 0 : (numRows - 1) / rowsPerSlab + 1;
        this.slabs = new double[count][];
        for (int s = 0; s < count; s++) {
            slabs[s] = new double[Math.min(rowsPerSlab, numRows - s * rowsPerSlab) * numCols];
        }
    }

    /** @return bytes this matrix needs on one worker */
    static long bytesFor(long rows, long cols) {
        return rows * cols * Double.BYTES;
    }

    public int matrixId() {
        return matrixId;
    }

    public int sessionId() {
        return sessionId;
    }

    /** @return the first global row held here */
    public long firstRow() {
        return firstRow;
    }

    /** @return number of rows held here */
    public int numRows() {
        return numRows;
    }

    public int numCols() {
        return numCols;
    }

    /** @return bytes held */
    public long bytes() {
        return bytesFor(numRows, numCols);
    }

    /**
     * Checks a block's inclusive bounds against the rows held here and the matrix's columns.
     *
     * @throws AlchemistException {@link ErrorCode#BAD_BLOCK_BOUNDS} naming the block and the valid ranges
     */
    public void checkBlock(long r0, long r1, long c0, long c1) {
        if (r0 < firstRow || r1 >= firstRow + numRows || r0 > r1 || c0 < 0 || c1 >= numCols || c0 > c1) {
            throw new AlchemistException(ErrorCode.BAD_BLOCK_BOUNDS, "block rows " + r0 + ".." + r1 + ", cols "
                    + c0 + ".." + c1 + " of matrix " + matrixId + " is outside this worker's rows "
                    + (numRows == 0 ? "(none)" : firstRow + ".." + (firstRow + numRows - 1)) + " and cols 0.."
                    + (numCols - 1));
        }
    }

    /** Copies a checked block's values, row-major, from the message into the rows. */
    public void write(long r0, long r1, int c0, int c1, MessageReader in) {
        forEachSpan(r0, r1, c0, c1, (slab, offset, length) -> in.readDoubles(slab, offset, length));
    }

    /** Copies a checked block's values, row-major, from the rows into the message. */
    public void read(long r0, long r1, int c0, int c1, MessageWriter out) {
        forEachSpan(r0, r1, c0, c1, (slab, offset, length) -> out.putDoubles(slab, offset, length));
    }

    /** @return row {@code localRow}'s values as a copy */
    public double[] row(int localRow) {
        double[] out = new double[numCols];
        System.arraycopy(slabs[localRow / rowsPerSlab], (localRow % rowsPerSlab) * numCols, out, 0, numCols);
        return out;
    }

    /** Visits the block as the fewest contiguous spans: whole slabs of full rows at once. */
    private void forEachSpan(long r0, long r1, int c0, int c1, SpanVisitor visitor) {
        int width = c1 - c0 + 1;
        int row = (int) (r0 - firstRow);
        int last = (int) (r1 - firstRow);
        while (row <= last) {
            double[] slab = slabs[row / rowsPerSlab];
            int inSlab = row % rowsPerSlab;
            int rowsHere = Math.min(last - row + 1, rowsPerSlab - inSlab);
            if (width == numCols) {
                visitor.visit(slab, inSlab * numCols, rowsHere * numCols);
            } else {
                for (int i = 0; i < rowsHere; i++) {
                    visitor.visit(slab, (inSlab + i) * numCols + c0, width);
                }
            }
            row += rowsHere;
        }
    }

    @FunctionalInterface
    private interface SpanVisitor {
        void visit(double[] slab, int offset, int length);
    }
}
