package alchemist.task;

import alchemist.server.comm.Communicator;

/**
 * What a running task sees on one worker: its rank among the session's workers, their communicator, the
 * arguments, the local rows of its input matrices, and a way to create outputs. Outputs in rows are laid
 * out like every matrix: worker i of k gets the next ⌊rows/k⌋ rows, one more if i &lt; rows mod k.
 */
public interface TaskContext {
    /** @return this worker's rank among the session's workers (0..size-1, ascending worker ID) */
    int rank();

    /** @return the number of the session's workers */
    int size();

    /** @return the session's communicator for this run: collectives among the session's workers */
    Communicator comm();

    /**
     * @return how many threads this worker's task may keep busy, ≥ 1: its share of the cores in embedded mode
     *         (where each BLAS call runs in its caller's thread), 1 on an MPI rank (where OpenBLAS itself
     *         runs each call on the rank's cores)
     */
    default int threads() {
        return parallel().threads();
    }

    /** @return runs pieces of this worker's work on its {@link #threads()} threads */
    Parallel parallel();

    /** @return this worker's rows of a MATRIX argument */
    RowBlock matrix(String parameter);

    /** @return an INT argument (also BYTE, SHORT parameters, widened) */
    int intArg(String parameter);

    /** @return a LONG argument */
    long longArg(String parameter);

    /** @return a DOUBLE argument (also FLOAT) */
    double doubleArg(String parameter);

    /** @return a BYTE argument */
    byte byteArg(String parameter);

    /** @return a STRING argument */
    String stringArg(String parameter);

    /**
     * Creates a MATRIX output, zeroed. Collective: every rank calls it with the same sizes.
     *
     * @return this worker's rows of it, to fill
     */
    RowBlock createMatrix(String output, long rows, int cols);

    /**
     * Creates a small MATRIX output from a whole copy that every rank holds (e.g. singular values, V);
     * each worker keeps its own rows. Collective.
     *
     * @param rowMajor rows × cols values, the same on every rank
     */
    void putWholeMatrix(String output, double[] rowMajor, long rows, int cols);

    /** Sets a scalar output (Integer, Long, Double, ...; as the signature says). Rank 0's value is returned. */
    void putScalar(String output, Object value);
}
