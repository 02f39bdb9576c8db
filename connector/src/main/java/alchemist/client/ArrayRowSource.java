package alchemist.client;

import alchemist.protocol.MessageWriter;

/** A matrix held in Java arrays: an array of rows, or one row-major array. Thread-safe for reading. */
public final class ArrayRowSource implements RowSource {
    private final double[][] rows;
    private final double[] values;
    private final long numRows;
    private final int numCols;

    private ArrayRowSource(double[][] rows, double[] values, long numRows, int numCols) {
        this.rows = rows;
        this.values = values;
        this.numRows = numRows;
        this.numCols = numCols;
    }

    /**
     * @param rows a rectangular array of rows (not copied)
     * @throws IllegalArgumentException if it is empty or ragged
     */
    public static ArrayRowSource of(double[][] rows) {
        if (rows.length == 0 || rows[0].length == 0) {
            throw new IllegalArgumentException("a matrix needs at least one row and one column");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != rows[0].length) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has "
                        + rows[0].length);
            }
        }
        return new ArrayRowSource(rows, null, rows.length, rows[0].length);
    }

    /**
     * @param values row-major values (not copied)
     * @throws IllegalArgumentException if {@code values.length != rows * cols}
     */
    public static ArrayRowSource rowMajor(double[] values, int rows, int cols) {
        if (rows < 1 || cols < 1 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException(values.length + " values do not make a " + rows + " x " + cols + " matrix");
        }
        return new ArrayRowSource(null, values, rows, cols);
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
    public void readRows(long firstRow, int count, double[] dst) {
        check(firstRow, count);
        if (values != null) {
            System.arraycopy(values, (int) firstRow * numCols, dst, 0, count * numCols);
        } else {
            for (int i = 0; i < count; i++) {
                System.arraycopy(rows[(int) firstRow + i], 0, dst, i * numCols, numCols);
            }
        }
    }

    @Override
    public void writeBlock(long firstRow, int count, int firstCol, int width, double[] scratch, MessageWriter out) {
        check(firstRow, count);
        int first = (int) firstRow;
        if (values != null && width == numCols) {
            out.putDoubles(values, first * numCols, count * numCols);
            return;
        }
        for (int i = 0; i < count; i++) {
            if (values != null) {
                out.putDoubles(values, (first + i) * numCols + firstCol, width);
            } else {
                out.putDoubles(rows[first + i], firstCol, width);
            }
        }
    }

    private void check(long firstRow, int count) {
        if (firstRow < 0 || count < 0 || firstRow + count > numRows) {
            throw new IllegalArgumentException("rows " + firstRow + ".." + (firstRow + count - 1) + " outside 0.." + (numRows - 1));
        }
    }
}
