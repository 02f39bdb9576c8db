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
    private final int maxSlabValues;
    private final Map<Integer, LocalRows> matrices = new ConcurrentHashMap<>();
    private long used;

    /**
     * @param memoryLimit   bytes of matrix data this worker may hold
     * @param maxSlabValues values per slab (tests make it small to exercise several slabs)
     */
    public MatrixStore(int workerId, long memoryLimit, int maxSlabValues) {
        this.workerId = workerId;
        this.memoryLimit = memoryLimit;
        this.maxSlabValues = maxSlabValues;
    }

    public MatrixStore(int workerId, long memoryLimit) {
        this(workerId, memoryLimit, LocalRows.MAX_SLAB_VALUES);
    }

    /**
     * Reserves and zeroes this worker's rows of a new matrix.
     *
     * @throws AlchemistException {@link ErrorCode#NOT_ENOUGH_WORKER_MEMORY} if they do not fit the limit or the heap
     */
    public LocalRows create(int matrixId, int sessionId, long firstRow, long rows, long cols) {
        // rows * cols cannot overflow once both are below 2^31; rows * cols * 8 can, so compare before multiplying.
        if (rows > Integer.MAX_VALUE || cols > LocalRows.MAX_SLAB_VALUES || rows * cols > Long.MAX_VALUE / Double.BYTES) {
            throw noMemory(matrixId, "its " + rows + " x " + cols + " rows here exceed what one worker can index");
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
            LocalRows local = new LocalRows(matrixId, sessionId, firstRow, (int) rows, (int) cols, maxSlabValues);
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
