package alchemist.server.driver;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.WorkerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The server's workers and which session holds each. Allocation is exclusive and all or nothing.
 * Thread-safe.
 */
final class WorkerPool {
    private final WorkerInfo[] workers;

    /** @param workers the registered workers, IDs 1..N in order */
    WorkerPool(List<WorkerInfo> workers) {
        this.workers = workers.toArray(new WorkerInfo[0]);
    }

    /**
     * Gives {@code n} free workers to a session, lowest IDs first.
     *
     * @throws AlchemistException {@link ErrorCode#NON_POSITIVE_WORKER_REQUEST} for n &lt; 1, {@link ErrorCode#NO_WORKERS}
     *                            if fewer than n are free (then none is taken)
     */
    synchronized List<Integer> allocate(int sessionId, int n) {
        if (n < 1) {
            throw new AlchemistException(ErrorCode.NON_POSITIVE_WORKER_REQUEST, "requested " + n + " workers; ask for at least 1");
        }
        List<Integer> free = ids(w -> w.sessionId() == 0);
        if (free.size() < n) {
            throw new AlchemistException(ErrorCode.NO_WORKERS, "requested " + n + " workers but only " + free.size()
                    + " of " + workers.length + " are free");
        }
        List<Integer> taken = free.subList(0, n);
        for (int id : taken) {
            workers[id - 1] = workers[id - 1].withSession(sessionId);
        }
        return new ArrayList<>(taken);
    }

    /** Frees the given workers if the session holds them. */
    synchronized void release(int sessionId, Iterable<Integer> ids) {
        for (int id : ids) {
            if (workers[id - 1].sessionId() == sessionId) {
                workers[id - 1] = workers[id - 1].withSession(0);
            }
        }
    }

    /** @return true if {@code id} names a worker */
    boolean exists(int id) {
        return id >= 1 && id <= workers.length;
    }

    /** @return the workers that match, as they are now */
    synchronized List<WorkerInfo> list(Predicate<WorkerInfo> filter) {
        List<WorkerInfo> out = new ArrayList<>();
        for (WorkerInfo w : workers) {
            if (filter.test(w)) {
                out.add(w);
            }
        }
        return out;
    }

    /** @return worker {@code id} as it is now */
    synchronized WorkerInfo get(int id) {
        return workers[id - 1];
    }

    private List<Integer> ids(Predicate<WorkerInfo> filter) {
        List<Integer> out = new ArrayList<>();
        for (WorkerInfo w : workers) {
            if (filter.test(w)) {
                out.add(w.id());
            }
        }
        return out;
    }
}
