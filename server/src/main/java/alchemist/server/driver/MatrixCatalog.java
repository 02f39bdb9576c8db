package alchemist.server.driver;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The driver's record of every matrix: its owner session and layout. IDs are 1..65535 (they travel as
 * unsigned SHORT) and are reused after a matrix is freed. Thread-safe.
 */
final class MatrixCatalog {
    private static final int MAX_ID = 0xFFFF;

    private final Map<Integer, Entry> matrices = new HashMap<>();
    private int lastId;

    /** A matrix and the session that owns it. */
    record Entry(int sessionId, MatrixLayout layout) {
    }

    /**
     * Registers a new matrix over the given workers.
     *
     * @throws AlchemistException {@link ErrorCode#INTERNAL_ERROR} when all 65535 IDs are in use
     */
    synchronized MatrixLayout add(int sessionId, long rows, long cols, int[] workerIds) {
        MatrixLayout layout = MatrixLayout.rowBlocks(nextFreeId(), rows, cols, workerIds);
        matrices.put(layout.matrixId(), new Entry(sessionId, layout));
        return layout;
    }

    private int nextFreeId() {
        for (int tries = 0; tries < MAX_ID; tries++) {
            lastId = lastId % MAX_ID + 1;
            if (!matrices.containsKey(lastId)) {
                return lastId;
            }
        }
        throw new AlchemistException(ErrorCode.INTERNAL_ERROR, "all " + MAX_ID + " matrix IDs are in use");
    }

    /**
     * Reserves IDs for a task's matrix outputs, before their sizes are known.
     *
     * @throws AlchemistException {@link ErrorCode#INTERNAL_ERROR} when the IDs run out
     */
    synchronized int[] reserve(int sessionId, int count) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = nextFreeId();
            matrices.put(ids[i], new Entry(sessionId, null));
        }
        return ids;
    }

    /** Gives a reserved ID its layout: the matrix now exists. */
    synchronized void bind(int sessionId, MatrixLayout layout) {
        matrices.put(layout.matrixId(), new Entry(sessionId, layout));
    }

    /**
     * @return the session's matrix
     * @throws AlchemistException {@link ErrorCode#UNKNOWN_MATRIX} if it does not exist or belongs to another session
     */
    synchronized MatrixLayout get(int sessionId, int matrixId) {
        Entry e = matrices.get(matrixId);
        if (e == null || e.sessionId() != sessionId || e.layout() == null) {
            throw new AlchemistException(ErrorCode.UNKNOWN_MATRIX, "no matrix " + matrixId + " in session " + sessionId);
        }
        return e.layout();
    }

    /** Forgets a matrix. */
    synchronized void remove(int matrixId) {
        matrices.remove(matrixId);
    }

    /** @return how many matrices exist */
    synchronized int size() {
        return matrices.size();
    }
}
