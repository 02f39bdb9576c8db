package alchemist.allib;

import alchemist.task.Parallel;
import alchemist.task.RowBlock;

/**
 * A worker's rows of the input A (row-major rows × n, that is Aᵀ column-major with leading dimension n) and the
 * threads it may use, with the two products every iterative method needs: A·X and Aᵀ·Y, local (no
 * communication), cut into single-threaded BLAS calls by {@link ParallelBlas}, so that results are bit-identical
 * whatever the number of threads.
 *
 * @param a        the rows, row-major
 * @param rows     how many (may be 0)
 * @param n        A's columns
 * @param firstRow the global index of the first
 */
record WorkerRows(Parallel parallel, double[] a, int rows, int n, long firstRow) {
    /** @return a task's rows of a matrix argument, on its worker's threads */
    static WorkerRows of(RowBlock block, Parallel parallel) {
        return new WorkerRows(parallel, block.values(), block.localRows(), block.numCols(), block.firstRow());
    }

    /** @return the leading dimension of this rank's column-major blocks: max(1, rows) */
    int ld() {
        return Math.max(1, rows);
    }

    /** @return the local Gramian AᵢᵀAᵢ, n × n, both triangles */
    double[] gramian() {
        return ParallelBlas.gramian(parallel, a, rows, n);
    }

    /** @return this rank's rows of A·X for X n × b (column-major, leading dimension ldx): rows × b, leading dimension {@link #ld()} */
    double[] times(double[] x, int ldx, int b) {
        double[] y = new double[ld() * b];
        ParallelBlas.times(parallel, a, rows, n, x, 0, ldx, b, y, 0, ld());
        return y;
    }

    /** @return the local part of Aᵀ·Y for this rank's rows Y (rows × b, leading dimension {@link #ld()}): n × b */
    double[] transposeTimes(double[] y, int b) {
        double[] z = new double[n * b];
        transposeTimes(y, b, z, 0);
        return z;
    }

    /** Writes the local part of Aᵀ·Y (n × b, leading dimension n) into {@code out} from {@code offset}. */
    void transposeTimes(double[] y, int b, double[] out, int offset) {
        ParallelBlas.transposeTimes(parallel, a, rows, n, y, 0, ld(), b, out, offset, n);
    }
}
