package alchemist.server.driver;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.WorkerInfo;
import alchemist.server.control.ControlOp;
import alchemist.server.control.WorkerControl;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Alchemist driver's state and rules: sessions, worker allocation, the matrix catalog. Each
 * operation checks the caller's rights, tells the workers what changes through {@link WorkerControl},
 * and only then commits. Thread-safe; a session's own operations come one at a time.
 */
public final class Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Driver.class);

    private final WorkerControl control;
    private final WorkerPool pool;
    private final MatrixCatalog catalog = new MatrixCatalog();
    private final Map<Integer, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger lastClientId = new AtomicInteger();
    private final AtomicInteger lastSessionId = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final Runnable shutDown;

    /**
     * @param control  the channel to the workers
     * @param workers  the registered workers
     * @param shutDown stops the server when a client's SHUT_DOWN is allowed; null if it never is
     */
    public Driver(WorkerControl control, List<WorkerInfo> workers, Runnable shutDown) {
        this.control = control;
        this.pool = new WorkerPool(workers);
        this.shutDown = shutDown;
    }

    /** Opens a session for a new client, with fresh IDs (≥ 1) and a random token. */
    Session openSession() {
        int sessionId;
        do {
            sessionId = lastSessionId.updateAndGet(i -> i % 0xFFFF + 1);
        } while (sessions.containsKey(sessionId));
        int clientId = lastClientId.updateAndGet(i -> i % 0xFFFF + 1);
        Session s = new Session(sessionId, clientId, random.nextLong());
        sessions.put(sessionId, s);
        LOG.info("client {} opened session {}", clientId, sessionId);
        return s;
    }

    /**
     * Gives the session n more free workers, all or none.
     *
     * @return all the session's workers
     */
    List<WorkerInfo> requestWorkers(Session s, int n) {
        List<Integer> ids = pool.allocate(s.id(), n);
        try {
            control.callAll(ids, ControlOp.ASSIGN_SESSION, s.id(), w -> w.putLong(s.token()));
        } catch (AlchemistException e) {
            release(s, ids);
            throw e;
        }
        synchronized (s) {
            s.workers().addAll(ids);
        }
        LOG.info("session {} got workers {}", s.id(), ids);
        return assignedWorkers(s);
    }

    /** @return the session's workers, ascending */
    List<WorkerInfo> assignedWorkers(Session s) {
        return pool.list(w -> w.sessionId() == s.id());
    }

    /** @return every worker, those held by sessions, or the free ones */
    List<WorkerInfo> listWorkers(WorkerFilter filter) {
        return pool.list(switch (filter) {
            case ALL -> w -> true;
            case ACTIVE -> w -> w.sessionId() != 0;
            case INACTIVE -> w -> w.sessionId() == 0;
        });
    }

    /** Which workers a listing shows. */
    enum WorkerFilter { ALL, ACTIVE, INACTIVE }

    /**
     * Gives workers back; every matrix of the session with rows on them is freed.
     *
     * @param ids the workers, or null for all of the session's
     * @return how many were yielded
     * @throws AlchemistException {@link ErrorCode#NOT_PERMITTED} naming a worker the session does not hold
     */
    int yieldWorkers(Session s, Collection<Integer> ids) {
        List<Integer> yielded;
        synchronized (s) {
            yielded = new ArrayList<>(new LinkedHashSet<>(ids == null ? s.workers() : ids)); // a worker named twice counts once
            for (int id : yielded) {
                if (!s.workers().contains(id)) {
                    throw new AlchemistException(ErrorCode.NOT_PERMITTED, "worker " + id + " is not assigned to session " + s.id());
                }
            }
        }
        for (int m : List.copyOf(s.matrices())) {
            MatrixLayout layout = catalog.get(s.id(), m);
            for (int i = 0; i < layout.numWorkers(); i++) {
                if (yielded.contains(layout.workerId(i))) {
                    freeMatrix(s, m);
                    break;
                }
            }
        }
        release(s, yielded);
        return yielded.size();
    }

    private void release(Session s, List<Integer> ids) {
        try {
            control.callAll(ids, ControlOp.RELEASE_SESSION, s.id());
        } finally {
            synchronized (s) {
                s.workers().removeAll(ids);
            }
            pool.release(s.id(), ids);
        }
    }

    /**
     * Creates a matrix laid out in row blocks over the session's workers; each reserves its rows.
     *
     * @throws AlchemistException {@link ErrorCode#NO_WORKERS} without workers, {@link ErrorCode#BAD_BLOCK_BOUNDS} for
     *                            non-positive sizes, {@link ErrorCode#NOT_ENOUGH_WORKER_MEMORY} if a worker lacks room
     */
    MatrixLayout createMatrix(Session s, long rows, long cols) {
        if (rows < 1 || cols < 1) {
            throw new AlchemistException(ErrorCode.BAD_BLOCK_BOUNDS, "a matrix needs at least one row and one column, not "
                    + rows + " x " + cols);
        }
        int[] workers;
        synchronized (s) {
            workers = s.workers().stream().mapToInt(Integer::intValue).toArray();
        }
        if (workers.length == 0) {
            throw new AlchemistException(ErrorCode.NO_WORKERS, "session " + s.id() + " holds no workers; REQUEST_WORKERS first");
        }
        MatrixLayout layout = catalog.add(s.id(), rows, cols, workers);
        List<Integer> ids = List.of(java.util.Arrays.stream(workers).boxed().toArray(Integer[]::new));
        try {
            control.callAll(ids, ControlOp.CREATE_MATRIX, s.id(), layout::write);
        } catch (AlchemistException e) {
            freeOnWorkers(s, layout.matrixId(), ids);
            catalog.remove(layout.matrixId());
            throw e;
        }
        s.matrices().add(layout.matrixId());
        LOG.debug("session {} created {}", s.id(), layout);
        return layout;
    }

    /** @return the layout of one of the session's matrices */
    MatrixLayout layout(Session s, int matrixId) {
        return catalog.get(s.id(), matrixId);
    }

    /** Frees one of the session's matrices on its workers. */
    void freeMatrix(Session s, int matrixId) {
        MatrixLayout layout = catalog.get(s.id(), matrixId);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < layout.numWorkers(); i++) {
            ids.add(layout.workerId(i));
        }
        s.matrices().remove(matrixId);
        catalog.remove(matrixId);
        freeOnWorkers(s, matrixId, ids);
    }

    private void freeOnWorkers(Session s, int matrixId, List<Integer> ids) {
        try {
            control.callAll(ids, ControlOp.FREE_MATRIX, s.id(), w -> w.putMatrixId(matrixId));
        } catch (AlchemistException e) {
            LOG.debug("freeing matrix {}: {}", matrixId, e.getMessage()); // a worker that never made it has nothing to free
        }
    }

    /** Ends a session (stop or disconnect): its workers go back to the pool and its matrices are freed. */
    void endSession(Session s) {
        if (s.ended()) {
            return;
        }
        s.end();
        try {
            yieldWorkers(s, null);
        } finally {
            sessions.remove(s.id());
            for (int m : List.copyOf(s.matrices())) {
                catalog.remove(m);
            }
            LOG.info("session {} ended", s.id());
        }
    }

    /**
     * Stops the server if it allows clients to.
     *
     * @throws AlchemistException {@link ErrorCode#NOT_PERMITTED} if it does not
     */
    void shutDown() {
        if (shutDown == null) {
            throw new AlchemistException(ErrorCode.NOT_PERMITTED, "this server does not allow clients to shut it down");
        }
        Thread t = new Thread(shutDown, "alchemist-shutdown");
        t.start();
    }

    /** @return the number of open sessions */
    public int sessionCount() {
        return sessions.size();
    }

    /** @return the number of matrices in the catalog */
    public int matrixCount() {
        return catalog.size();
    }
}
