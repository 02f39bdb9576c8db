package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import alchemist.server.comm.Communicator;
import alchemist.server.comm.CommunicatorClosedException;
import alchemist.server.library.LoadedLibrary;
import alchemist.server.library.TaskArguments;
import alchemist.task.ArgType;
import alchemist.task.Signature;
import alchemist.task.Task;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's libraries and its part of every task run. A run gets a communicator of its own among the
 * session's workers; if the task fails here, the communicator is aborted so that no peer waits for this
 * worker, and this worker's outputs of the run are freed.
 *
 * <p>Reply to RUN_TASK: SHORT 0, STRING "", then per output in signature order a matrix's LONG rows and
 * LONG cols, or (rank 0 only) a scalar's typed value. On failure: SHORT code, STRING message, BYTE 1 if
 * the failure started here, 0 if this worker only stopped because a peer failed.
 */
public final class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final Worker worker;
    private final Communicator world;
    private final Map<Integer, LoadedLibrary> libraries = new ConcurrentHashMap<>();

    /** @param world the world communicator, whose ranks are worker IDs */
    public TaskRunner(Worker worker, Communicator world) {
        this.worker = worker;
        this.world = world;
    }

    /** Loads a library for the session this worker serves. */
    public void load(int sessionId, int libraryId, String name, Path jar) {
        worker.checkServes(sessionId);
        libraries.computeIfAbsent(libraryId, id -> LoadedLibrary.load(id, name, jar));
    }

    /** Unloads a library. */
    public void unload(int libraryId) {
        LoadedLibrary lib = libraries.remove(libraryId);
        if (lib != null) {
            lib.close();
        }
    }

    /** Unloads every library (the session ended). */
    public void unloadAll() {
        libraries.keySet().forEach(this::unload);
    }

    /** Runs this worker's part of a task; see the class comment for the reply. */
    public Consumer<MessageWriter> run(int sessionId, MessageReader r) {
        worker.checkServes(sessionId);
        int libraryId = r.readUnsignedShort();
        String taskName = r.readString();
        int[] workers = readShorts(r);
        int[] outputIds = readShorts(r);
        LoadedLibrary lib = libraries.get(libraryId);
        if (lib == null || lib.task(taskName) == null) {
            throw new AlchemistException(ErrorCode.UNKNOWN_LIBRARY_OR_TASK, "worker " + worker.id() + " has no task "
                    + taskName + " in library " + libraryId);
        }
        Task task = lib.task(taskName);
        Signature sig = task.signature();
        TaskArguments args = TaskArguments.readFromDriver(r, sig);
        try (Communicator comm = world.createGroup(workers)) {
            WorkerTaskContext ctx = new WorkerTaskContext(taskName, sig, args, comm, worker.store(), sessionId, workers,
                    outputIds);
            try {
                task.run(ctx);
                return success(ctx, sig, taskName);
            } catch (CommunicatorClosedException e) {
                freeOutputs(ctx);
                return failure(ErrorCode.TASK_FAILED, e.getMessage(), false);
            } catch (Throwable t) {
                String why = "task " + taskName + " failed on worker " + worker.id() + ": " + describe(t);
                comm.abort(why);
                freeOutputs(ctx);
                LOG.warn(why, t);
                return failure(codeOf(t), why, true);
            }
        }
    }

    private Consumer<MessageWriter> success(WorkerTaskContext ctx, Signature sig, String taskName) {
        for (Signature.Output o : sig.outputs()) {
            boolean missing = o.type() == ArgType.MATRIX ? !ctx.matrices().containsKey(o.name())
                    : ctx.rank() == 0 && !ctx.scalars().containsKey(o.name());
            if (missing) {
                freeOutputs(ctx);
                return failure(ErrorCode.TASK_FAILED, "task " + taskName + " did not produce its output " + o.name(), true);
            }
        }
        return w -> {
            w.putShort(0).putString("");
            for (Signature.Output o : sig.outputs()) {
                if (o.type() == ArgType.MATRIX) {
                    LocalRows m = ctx.matrices().get(o.name());
                    w.putLong(m.numRows()).putLong(m.numCols());
                } else if (ctx.rank() == 0) {
                    w.putValue(ctx.scalars().get(o.name()));
                }
            }
        };
    }

    private void freeOutputs(WorkerTaskContext ctx) {
        ctx.outputIds().forEach(worker.store()::free);
    }

    private static Consumer<MessageWriter> failure(ErrorCode code, String message, boolean primary) {
        return w -> w.putShort(code.code()).putString(message).putByte(primary ? 1 : 0);
    }

    private static ErrorCode codeOf(Throwable t) {
        if (t instanceof AlchemistException a) {
            return a.code();
        }
        return t instanceof IllegalArgumentException ? ErrorCode.BAD_TASK_ARGUMENTS : ErrorCode.TASK_FAILED;
    }

    private static String describe(Throwable t) {
        if (t instanceof AlchemistException a) {
            return a.detail();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static int[] readShorts(MessageReader r) {
        int[] out = new int[r.readUnsignedShort()];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.readUnsignedShort();
        }
        return out;
    }
}
