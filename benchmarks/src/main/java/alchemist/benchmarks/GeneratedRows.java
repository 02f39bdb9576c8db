package alchemist.benchmarks;

import alchemist.client.RowSource;
import alchemist.examples.GeneratedMatrix;

/**
 * The rows of a {@link GeneratedMatrix} made as they are read, so a client can send the same matrix that Spark
 * generates on its executors without holding it.
 */
record GeneratedRows(GeneratedMatrix matrix) implements RowSource {
    @Override
    public long numRows() {
        return matrix.rows();
    }

    @Override
    public int numCols() {
        return matrix.cols();
    }

    @Override
    public void readRows(long firstRow, int count, double[] dst) {
        if (firstRow < 0 || firstRow + count > matrix.rows() || dst.length < (long) count * matrix.cols()) {
            throw new IllegalArgumentException("rows " + firstRow + " + " + count + " of " + matrix.rows()
                    + " into " + dst.length + " values");
        }
        matrix.rows(firstRow, count, dst);
    }
}
