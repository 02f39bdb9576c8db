package alchemist.task;

import java.util.List;

/**
 * One operation of a library. It runs SPMD: {@link #run} is called on every worker of the session at
 * once, each with its own {@link TaskContext} (rank, communicator, local rows of the input matrices),
 * and the ranks cooperate through the context's collectives. Outputs are created through the context.
 *
 * <p>A task that throws on one rank fails the whole run: its peers' blocked collectives are aborted, the
 * client gets ERROR 12 with the message, and the session stays usable. Throw
 * {@link IllegalArgumentException} for arguments the signature cannot check (the client gets ERROR 11).
 */
public interface Task {
    /** @return the task's name, e.g. "truncated_svd" */
    String name();

    /** @return other names clients may use, e.g. "truncated_SVD" */
    default List<String> aliases() {
        return List.of();
    }

    /** @return argument names and types, in wire order, and the outputs */
    Signature signature();

    /** Runs this rank's part. */
    void run(TaskContext context);
}
