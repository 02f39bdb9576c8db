package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import alchemist.server.comm.Communicator;
import alchemist.server.library.LoadedLibrary;
import alchemist.server.library.TaskArguments;
import alchemist.task.ArgType;
import alchemist.task.Signature;
import alchemist.task.Task;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A worker's libraries and its part of every task run (carried out by {@link TaskExecution}).
 *
 * <p>Reply to RUN_TASK: SHORT 0, STRING "", then per output in signature order a matrix's LONG rows and
 * LONG cols, or (rank 0 only) a scalar's typed value. On failure: SHORT code, STRING message, BYTE 1 if
 * the failure started here, 0 if this worker only stopped because a peer failed.
 */
public final class TaskRunner {
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
        TaskArguments args = TaskArguments.readFromDriver(r, task.signature());
        TaskExecution.Outcome outcome = TaskExecution.execute(task, args, world, workers, worker.store(), sessionId,
                worker.id(), outputIds, worker.threads());
        if (!outcome.ok()) {
            AlchemistException e = outcome.error();
            return w -> w.putShort(e.code().code()).putString(e.detail()).putByte(outcome.primary() ? 1 : 0);
        }
        WorkerTaskContext ctx = outcome.context();
        return w -> {
            w.putShort(0).putString("");
            for (Signature.Output o : task.signature().outputs()) {
                if (o.type() == ArgType.MATRIX) {
                    LocalRows m = ctx.matrices().get(o.name());
                    w.putLong(m.numRows()).putLong(m.numCols());
                } else if (ctx.rank() == 0) {
                    w.putValue(ctx.scalars().get(o.name()));
                }
            }
        };
    }

    private static int[] readShorts(MessageReader r) {
        int[] out = new int[r.readUnsignedShort()];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.readUnsignedShort();
        }
        return out;
    }
}
