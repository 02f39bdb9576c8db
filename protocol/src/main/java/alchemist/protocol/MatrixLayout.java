package alchemist.protocol;

import java.util.Arrays;

/**
 * Where the rows of a matrix live: each worker of the session owns one contiguous range of rows
 * {@code [start, end)}, in ascending worker ID order (PROTOCOL.md, "Layout"). Worker i of k gets
 * ⌊rows/k⌋ rows, one more if i &lt; rows mod k; a range may be empty.
 *
 * <p>On the wire (the reply of MATRIX_INFO and MATRIX_LAYOUT): SHORT matrix ID, LONG rows, LONG cols,
 * BYTE layout, SHORT(k) worker IDs, LONG(2k) row ranges. Immutable, and serializable so that Spark tasks
 * can carry it to executors.
 */
public final class MatrixLayout implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** The only layout there is for now: contiguous row blocks. */
    public static final int ROW_BLOCKS = 0;

    private final int matrixId;
    private final long numRows;
    private final long numCols;
    private final int[] workerIds;
    private final long[] rowStarts;
    private final long[] rowEnds;

    private MatrixLayout(int matrixId, long numRows, long numCols, int[] workerIds, long[] rowStarts, long[] rowEnds) {
        this.matrixId = matrixId;
        this.numRows = numRows;
        this.numCols = numCols;
        this.workerIds = workerIds;
        this.rowStarts = rowStarts;
        this.rowEnds = rowEnds;
    }

    /**
     * Lays {@code numRows} rows over the given workers in row blocks.
     *
     * @param workerIds the session's workers; sorted here into ascending order
     */
    public static MatrixLayout rowBlocks(int matrixId, long numRows, long numCols, int[] workerIds) {
        int[] ids = workerIds.clone();
        Arrays.sort(ids);
        int k = ids.length;
        long[] starts = new long[k];
        long[] ends = new long[k];
        long base = numRows / k;
        long extra = numRows % k;
        long next = 0;
        for (int i = 0; i < k; i++) {
            starts[i] = next;
            next += base + (i < extra ? 1 : 0);
            ends[i] = next;
        }
        return new MatrixLayout(matrixId, numRows, numCols, ids, starts, ends);
    }

    /** Writes the layout as MATRIX_INFO's reply body. */
    public void write(MessageWriter w) {
        w.putMatrixId(matrixId);
        writeAfterId(w);
    }

    /** Writes the layout as a task output: the ID as MATRIX_ID, then as in {@link #write}. */
    public void writeAsOutput(MessageWriter w) {
        w.putMatrixHandle(matrixId);
        writeAfterId(w);
    }

    private void writeAfterId(MessageWriter w) {
        w.putLong(numRows).putLong(numCols).putByte(ROW_BLOCKS);
        for (int id : workerIds) {
            w.putShort(id);
        }
        for (int i = 0; i < workerIds.length; i++) {
            w.putLong(rowStarts[i]).putLong(rowEnds[i]);
        }
    }

    /**
     * Reads a layout written by {@link #write} or {@link #writeAsOutput}; the worker IDs are the SHORTs
     * before the LONG ranges.
     *
     * @throws AlchemistException if the ranges do not tile {@code [0, rows)} in order
     */
    public static MatrixLayout read(MessageReader r) {
        int id = r.readMatrixId();
        long rows = r.readLong();
        long cols = r.readLong();
        int layout = r.readByte();
        if (layout != ROW_BLOCKS) {
            throw new AlchemistException(ErrorCode.INCONSISTENT_DATATYPES, "unknown matrix layout " + layout);
        }
        int[] ids = new int[8];
        int k = 0;
        while (r.peekType() == Datatype.SHORT) {
            if (k == ids.length) {
                ids = Arrays.copyOf(ids, 2 * k);
            }
            ids[k++] = r.readUnsignedShort();
        }
        ids = Arrays.copyOf(ids, k);
        long[] starts = new long[k];
        long[] ends = new long[k];
        long expected = 0;
        for (int i = 0; i < k; i++) {
            starts[i] = r.readLong();
            ends[i] = r.readLong();
            if (starts[i] != expected || ends[i] < starts[i]) {
                throw new AlchemistException(ErrorCode.INCONSISTENT_DATATYPES, "row ranges of matrix " + id
                        + " do not tile its rows at worker " + ids[i]);
            }
            expected = ends[i];
        }
        if (expected != rows) {
            throw new AlchemistException(ErrorCode.INCONSISTENT_DATATYPES,
                    "row ranges of matrix " + id + " cover " + expected + " of " + rows + " rows");
        }
        return new MatrixLayout(id, rows, cols, ids, starts, ends);
    }

    public int matrixId() {
        return matrixId;
    }

    public long numRows() {
        return numRows;
    }

    public long numCols() {
        return numCols;
    }

    /** @return the number of workers the rows are spread over */
    public int numWorkers() {
        return workerIds.length;
    }

    /** @return the ID of the i-th worker, in ascending ID order */
    public int workerId(int i) {
        return workerIds[i];
    }

    /** @return the first row of the i-th worker */
    public long rowStart(int i) {
        return rowStarts[i];
    }

    /** @return one past the last row of the i-th worker */
    public long rowEnd(int i) {
        return rowEnds[i];
    }

    /** @return the index (not ID) of the worker holding {@code row} */
    public int workerIndexOfRow(long row) {
        if (row < 0 || row >= numRows) {
            throw new IndexOutOfBoundsException("row " + row + " outside 0.." + (numRows - 1));
        }
        int lo = 0;
        int hi = workerIds.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (rowStarts[mid] <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        while (rowEnds[lo] <= row) {
            lo++; // skip empty ranges that start at the same row
        }
        return lo;
    }

    /** @return the index of the worker with this ID, or -1 */
    public int indexOfWorker(int workerId) {
        for (int i = 0; i < workerIds.length; i++) {
            if (workerIds[i] == workerId) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("matrix " + matrixId + " (" + numRows + " x " + numCols + ") on");
        for (int i = 0; i < workerIds.length; i++) {
            s.append(" worker ").append(workerIds[i]).append(" [").append(rowStarts[i]).append(", ")
                    .append(rowEnds[i]).append(')');
        }
        return s.toString();
    }
}
