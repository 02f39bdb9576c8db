package alchemist.client.backend;

import alchemist.client.AlchemistSession;
import alchemist.client.MatrixHandle;
import alchemist.client.TaskResult;
import alchemist.server.worker.InProcessTaskRunner;
import alchemist.task.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs an allib task as {@link InProcessTaskRunner#run} does, but on a server of this run's backend, through
 * the protocol: a session with {@code workers} workers loads allib from the server's library directory,
 * sends the matrix arguments, runs the task by name and fetches every output whole. The mpi module names
 * this class in the system property {@code alchemist.test.taskRunner}, so that allib's task tests run on
 * MPI.
 *
 * <p>Sessions of 1, 2 or 3 workers all run on a server of 3 (on MPI one shared job, rather than a job per
 * worker count); every task run gets a communicator of its session's workers alone either way.
 */
public final class ServerTaskRunner {
    private static final String LIBRARY = "allib";
    private static final int SERVER_WORKERS = 3;

    private ServerTaskRunner() {
    }

    /** @see InProcessTaskRunner#run */
    public static InProcessTaskRunner.Result run(Task task, int workers, Object... args) {
        try (TestServer server = TestServers.start(Math.max(workers, SERVER_WORKERS));
                AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(workers);
            als.loadLibrary(LIBRARY);
            Object[] sent = args.clone();
            for (int i = 0; i < sent.length; i++) {
                if (sent[i] instanceof double[][] m) {
                    sent[i] = als.sendArray(m);
                }
            }
            TaskResult result = als.runTask(LIBRARY + "." + task.name(), sent);
            Map<String, double[][]> matrices = new LinkedHashMap<>();
            Map<String, Object> scalars = new LinkedHashMap<>();
            result.asMap().forEach((name, value) -> {
                if (value instanceof MatrixHandle h) {
                    matrices.put(name, als.getArray(h));
                } else {
                    scalars.put(name, value);
                }
            });
            return new InProcessTaskRunner.Result(matrices, scalars);
        }
    }
}
