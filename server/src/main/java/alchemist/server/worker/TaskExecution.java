package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.server.comm.Communicator;
import alchemist.server.comm.CommunicatorClosedException;
import alchemist.server.library.TaskArguments;
import alchemist.task.ArgType;
import alchemist.task.Parallel;
import alchemist.task.Signature;
import alchemist.task.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's part of one task run: makes the run's communicator among the session's workers, runs the
 * task, checks that it produced every output, and on failure aborts the communicator (so no peer waits
 * for this worker) and frees this worker's outputs of the run. Used by the worker's {@link TaskRunner}
 * and by {@link InProcessTaskRunner}.
 */
final class TaskExecution {
    private static final Logger LOG = LoggerFactory.getLogger(TaskExecution.class);

    /**
     * What happened on this worker.
     *
     * @param error   null on success
     * @param primary true if the failure started here, false if a peer's failure stopped this worker
     * @param context the run's context, with its outputs on success
     */
    record Outcome(AlchemistException error, boolean primary, WorkerTaskContext context) {
        boolean ok() {
            return error == null;
        }
    }

    private TaskExecution() {
    }

    /**
     * @param world      a communicator whose ranks include {@code workers}
     * @param workers    the session's workers as ranks of {@code world}, ascending
     * @param outputIds  IDs reserved for the task's matrix outputs, in signature order
     * @param parallel   the worker's threads for the task
     */
    static Outcome execute(Task task, TaskArguments args, Communicator world, int[] workers, MatrixStore store,
            int sessionId, int workerId, int[] outputIds, Parallel parallel) {
        String name = task.name();
        Signature sig = task.signature();
        try (Communicator comm = world.createGroup(workers)) {
            WorkerTaskContext ctx = new WorkerTaskContext(name, sig, args, comm, store, sessionId, workers, outputIds,
                    parallel);
            try {
                task.run(ctx);
                for (Signature.Output o : sig.outputs()) {
                    boolean missing = o.type() == ArgType.MATRIX ? !ctx.matrices().containsKey(o.name())
                            : ctx.rank() == 0 && !ctx.scalars().containsKey(o.name());
                    if (missing) {
                        throw new IllegalStateException("task " + name + " did not produce its output " + o.name());
                    }
                }
                return new Outcome(null, false, ctx);
            } catch (CommunicatorClosedException e) {
                free(ctx, store);
                return new Outcome(new AlchemistException(ErrorCode.TASK_FAILED, e.getMessage()), false, ctx);
            } catch (Throwable t) {
                String why = "task " + name + " failed on worker " + workerId + ": " + describe(t);
                comm.abort(why);
                free(ctx, store);
                LOG.warn(why, t);
                return new Outcome(new AlchemistException(codeOf(t), why), true, ctx);
            }
        }
    }

    private static void free(WorkerTaskContext ctx, MatrixStore store) {
        ctx.outputIds().forEach(store::free);
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
}
