package alchemist.server.driver;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.WorkerInfo;
import alchemist.protocol.MessageReader;
import alchemist.server.control.ControlOp;
import alchemist.server.control.WorkerControl;
import alchemist.server.library.LibraryFiles;
import alchemist.server.library.LoadedLibrary;
import alchemist.server.library.TaskArguments;
import alchemist.task.ArgType;
import alchemist.task.Signature;
import alchemist.task.Task;
import java.nio.file.Path;
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
    private final AtomicInteger lastLibraryId = new AtomicInteger();
    private final Path libraryDir;
    private final Runnable shutDown;

    /**
     * @param control    the channel to the workers
     * @param workers    the registered workers
     * @param libraryDir the only directory libraries load from, or null for none
     * @param shutDown   stops the server when a client's SHUT_DOWN is allowed; null if it never is
     */
    public Driver(WorkerControl control, List<WorkerInfo> workers, Path libraryDir, Runnable shutDown) {
        this.control = control;
        this.pool = new WorkerPool(workers);
        this.libraryDir = libraryDir;
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
        try {
            for (LoadedLibrary lib : s.libraries().values()) {
                loadOnWorkers(s, lib, ids);
            }
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

    /**
     * Loads a library for the session, on the driver and on each of the session's workers.
     *
     * @param path a jar inside the library directory, or empty to find {@code name} there
     * @return the library's ID (the same ID if the session loaded it before)
     * @throws AlchemistException {@link ErrorCode#NOT_PERMITTED} for a path outside the library directory,
     *                            {@link ErrorCode#UNKNOWN_LIBRARY_OR_TASK} if there is no library there
     */
    int loadLibrary(Session s, String name, String path) {
        Path jar = LibraryFiles.resolve(libraryDir, name, path);
        for (LoadedLibrary lib : s.libraries().values()) {
            if (lib.jar().equals(jar) && lib.clientName().equals(name)) {
                return lib.id();
            }
        }
        LoadedLibrary lib = LoadedLibrary.load(lastLibraryId.updateAndGet(i -> i % 0xFFFF + 1), name, jar);
        List<Integer> workers = workerIds(s);
        try {
            loadOnWorkers(s, lib, workers);
        } catch (AlchemistException e) {
            unloadOnWorkers(s, lib.id(), workers);
            lib.close();
            throw e;
        }
        s.libraries().put(lib.id(), lib);
        LOG.info("session {} loaded library {} ({}) from {} as {}", s.id(), name, lib.name(), jar, lib.id());
        return lib.id();
    }

    private void loadOnWorkers(Session s, LoadedLibrary lib, List<Integer> workers) {
        control.callAll(workers, ControlOp.LOAD_LIBRARY, s.id(),
                w -> w.putShort(lib.id()).putString(lib.clientName()).putString(lib.jar().toString()));
    }

    private void unloadOnWorkers(Session s, int libraryId, List<Integer> workers) {
        try {
            control.callAll(workers, ControlOp.UNLOAD_LIBRARY, s.id(), w -> w.putShort(libraryId));
        } catch (AlchemistException e) {
            LOG.debug("unloading library {}: {}", libraryId, e.getMessage());
        }
    }

    /**
     * Unloads one of the session's libraries.
     *
     * @throws AlchemistException {@link ErrorCode#UNKNOWN_LIBRARY_OR_TASK} if the session has no such library
     */
    void unloadLibrary(Session s, int libraryId) {
        LoadedLibrary lib = s.libraries().remove(libraryId);
        if (lib == null) {
            throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "session " + s.id() + " has no library " + libraryId);
        }
        unloadOnWorkers(s, libraryId, workerIds(s));
        lib.close();
    }

    /** @return the session's libraries */
    List<LoadedLibrary> libraries(Session s) {
        return List.copyOf(s.libraries().values());
    }

    /**
     * Runs a task on the session's workers: reads its name and arguments from RUN_TASK, checks them
     * against the signature, and returns its outputs once every worker has finished its part.
     *
     * @throws AlchemistException {@link ErrorCode#UNKNOWN_LIBRARY_OR_TASK}, {@link ErrorCode#BAD_TASK_ARGUMENTS} with
     *                            the signature, {@link ErrorCode#UNKNOWN_MATRIX}, or the task's failure
     *                            ({@link ErrorCode#TASK_FAILED}, or the code it threw)
     */
    List<TaskOutput> runTask(Session s, MessageReader r) {
        String requested = r.readString();
        LoadedLibrary lib = findLibrary(s, requested);
        String taskName = requested.substring(requested.lastIndexOf('.') + 1);
        Task task = lib.task(taskName);
        Signature sig = task.signature();
        TaskArguments args = TaskArguments.readFromClient(r, taskName, sig);
        for (int id : args.matrixIds()) {
            catalog.get(s.id(), id);
        }
        List<Integer> workers = workerIds(s);
        if (workers.isEmpty()) {
            throw new AlchemistException(ErrorCode.NO_WORKERS, "session " + s.id() + " holds no workers; REQUEST_WORKERS first");
        }
        int[] outputIds = catalog.reserve(s.id(), (int) sig.outputs().stream().filter(o -> o.type() == ArgType.MATRIX).count());
        List<WorkerControl.Reply> replies = control.callAllReplies(workers, ControlOp.RUN_TASK, s.id(), w -> {
            w.putShort(lib.id()).putString(task.name()).putShort(workers.size());
            workers.forEach(w::putShort);
            w.putShort(outputIds.length);
            for (int id : outputIds) {
                w.putShort(id);
            }
            args.write(w);
        });
        WorkerControl.Reply failed = firstFailure(replies);
        if (failed != null) {
            for (int id : outputIds) {
                freeOnWorkers(s, id, workers);
                catalog.remove(id);
            }
            throw new AlchemistException(ErrorCode.fromCode(failed.status()), failed.message());
        }
        return collectOutputs(s, task.name(), sig, replies, outputIds, workers);
    }

    private LoadedLibrary findLibrary(Session s, String requested) {
        int dot = requested.lastIndexOf('.');
        String libName = dot < 0 ? null : requested.substring(0, dot);
        String taskName = requested.substring(dot + 1);
        for (LoadedLibrary lib : s.libraries().values()) {
            if ((libName == null || lib.answersTo(libName)) && lib.task(taskName) != null) {
                return lib;
            }
        }
        StringBuilder known = new StringBuilder();
        for (LoadedLibrary lib : s.libraries().values()) {
            known.append(known.length() == 0 ? "" : "; ").append(lib.clientName()).append(": ").append(lib.describeTasks());
        }
        throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "no task " + requested + " in the session's libraries"
                + (known.length() == 0 ? " (none loaded: LOAD_LIBRARY first)" : " (" + known + ")"));
    }

    /** @return the failure that started it all (a worker that failed itself, not one stopped by a peer), or null */
    private static WorkerControl.Reply firstFailure(List<WorkerControl.Reply> replies) {
        WorkerControl.Reply any = null;
        for (WorkerControl.Reply reply : replies) {
            if (reply.status() != 0) {
                boolean primary = reply.fields().hasRemaining() && reply.fields().readByte() == 1;
                if (primary) {
                    return reply;
                }
                any = any == null ? reply : any;
            }
        }
        return any;
    }

    private List<TaskOutput> collectOutputs(Session s, String taskName, Signature sig, List<WorkerControl.Reply> replies,
            int[] outputIds, List<Integer> workers) {
        List<TaskOutput> outputs = new ArrayList<>();
        int[] ids = workers.stream().mapToInt(Integer::intValue).toArray();
        int next = 0;
        for (Signature.Output o : sig.outputs()) {
            if (o.type() != ArgType.MATRIX) {
                outputs.add(new TaskOutput(o.name(), null, replies.get(0).fields().readValue()));
                continue;
            }
            long rows = -1;
            long cols = -1;
            for (WorkerControl.Reply reply : replies) {
                long r = reply.fields().readLong();
                long c = reply.fields().readLong();
                if (rows >= 0 && (r != rows || c != cols)) {
                    throw new AlchemistException(ErrorCode.TASK_FAILED, "task " + taskName + " made output " + o.name()
                            + " " + rows + " x " + cols + " on one worker and " + r + " x " + c + " on worker " + reply.worker());
                }
                rows = r;
                cols = c;
            }
            MatrixLayout layout = MatrixLayout.rowBlocks(outputIds[next++], rows, cols, ids);
            catalog.bind(s.id(), layout);
            s.matrices().add(layout.matrixId());
            outputs.add(new TaskOutput(o.name(), layout, null));
        }
        return outputs;
    }

    private List<Integer> workerIds(Session s) {
        synchronized (s) {
            return new ArrayList<>(s.workers());
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
        } catch (AlchemistException e) {
            LOG.debug("ending session {}: {}", s.id(), e.getMessage()); // the server is stopping
        } finally {
            sessions.remove(s.id());
            for (int m : List.copyOf(s.matrices())) {
                catalog.remove(m);
            }
            s.libraries().values().forEach(LoadedLibrary::close);
            s.libraries().clear();
            LOG.info("session {} ended", s.id());
        }
    }

    /**
     * Checks that the server allows clients to stop it.
     *
     * @return what stops it (on a thread of its own), to run once the reply is out
     * @throws AlchemistException {@link ErrorCode#NOT_PERMITTED} if it does not allow it
     */
    Runnable shutDown() {
        if (shutDown == null) {
            throw new AlchemistException(ErrorCode.NOT_PERMITTED, "this server does not allow clients to shut it down");
        }
        return () -> new Thread(shutDown, "alchemist-shutdown").start();
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
