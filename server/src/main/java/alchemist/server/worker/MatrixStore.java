package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's matrices, with the memory they hold checked against the worker's limit. Thread-safe.
 */
public final class MatrixStore {
    private final int workerId;
    private final long memoryLimit;
    private final Map<Integer, LocalRows> matrices = new ConcurrentHashMap<>();
    private long used;

    /** @param memoryLimit bytes of matrix data this worker may hold */
    public MatrixStore(int workerId, long memoryLimit) {
        this.workerId = workerId;
        this.memoryLimit = memoryLimit;
    }

    /**
     * Reserves and zeroes this worker's rows {@code [firstRow, firstRow + rows)} of a new {@code numRows × cols} matrix.
     *
     * @throws AlchemistException {@link ErrorCode#NOT_ENOUGH_WORKER_MEMORY} if they do not fit the limit or the heap
     */
    public LocalRows create(int matrixId, int sessionId, long numRows, long firstRow, long rows, long cols) {
        // Compare by division: rows * cols can overflow a long.
        if (cols > LocalRows.MAX_VALUES || rows > LocalRows.MAX_VALUES / Math.max(1, cols)) {
            throw noMemory(matrixId, "its " + rows + " x " + cols + " rows here exceed what one worker can index ("
                    + LocalRows.MAX_VALUES + " values of one matrix); use more workers");
        }
        long bytes = LocalRows.bytesFor(rows, cols);
        synchronized (this) {
            if (matrices.containsKey(matrixId)) {
                throw new AlchemistException(ErrorCode.INTERNAL_ERROR, "matrix " + matrixId + " exists on worker " + workerId);
            }
            if (used + bytes > memoryLimit) {
                throw noMemory(matrixId, "it needs " + size(bytes) + " here but only " + size(memoryLimit - used)
                        + " of the worker's " + size(memoryLimit) + " limit are free");
            }
            used += bytes;
        }
        try {
            LocalRows local = new LocalRows(matrixId, sessionId, numRows, firstRow, (int) rows, (int) cols);
            matrices.put(matrixId, local);
            return local;
        } catch (OutOfMemoryError e) {
            synchronized (this) {
                used -= bytes;
            }
            throw noMemory(matrixId, "the JVM heap cannot hold its " + size(bytes));
        }
    }

    /**
     * @return the session's matrix
     * @throws AlchemistException {@link ErrorCode#UNKNOWN_MATRIX} if there is none, or it belongs to another session
     */
    public LocalRows get(int matrixId, int sessionId) {
        LocalRows m = matrices.get(matrixId);
        if (m == null || m.sessionId() != sessionId) {
            throw new AlchemistException(ErrorCode.UNKNOWN_MATRIX,
                    "matrix " + matrixId + " is not known to worker " + workerId + " in session " + sessionId);
        }
        return m;
    }

    /** Frees a matrix if present. */
    public void free(int matrixId) {
        LocalRows m = matrices.remove(matrixId);
        if (m != null) {
            synchronized (this) {
                used -= m.bytes();
            }
        }
    }

    /** Frees every matrix of a session. */
    public void freeSession(int sessionId) {
        matrices.values().stream().filter(m -> m.sessionId() == sessionId).map(LocalRows::matrixId).toList()
                .forEach(this::free);
    }

    /** @return bytes held */
    public synchronized long usedBytes() {
        return used;
    }

    /** @return number of matrices held */
    public int size() {
        return matrices.size();
    }

    private AlchemistException noMemory(int matrixId, String why) {
        return new AlchemistException(ErrorCode.NOT_ENOUGH_WORKER_MEMORY,
                "matrix " + matrixId + " does not fit on worker " + workerId + ": " + why);
    }

    /** @return "1056768 bytes (1.0 MiB)": exact, since amounts that differ by less than 0.1 MiB must not look equal */
    private static String size(long bytes) {
        return String.format("%d bytes (%.1f MiB)", bytes, bytes / 1048576.0);
    }
}
