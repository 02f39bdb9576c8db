package alchemist.client;

import alchemist.protocol.MatrixLayout;

/**
 * A matrix that lives on the session's workers, named by its ID, with its size and row-block layout.
 * Immutable; valid until freed or until its session stops.
 */
public final class MatrixHandle {
    private final MatrixLayout layout;

    public MatrixHandle(MatrixLayout layout) {
        this.layout = layout;
    }

    /** @return the matrix ID */
    public int id() {
        return layout.matrixId();
    }

    public long numRows() {
        return layout.numRows();
    }

    public long numCols() {
        return layout.numCols();
    }

    /** @return which worker holds which rows */
    public MatrixLayout layout() {
        return layout;
    }

    @Override
    public String toString() {
        return "MatrixHandle(" + layout + ")";
    }
}
