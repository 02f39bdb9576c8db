package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.MessageWriter;
import alchemist.protocol.Command;
import alchemist.server.blas.SingleThreadedBlas;
import alchemist.server.comm.InProcessFabric;
import alchemist.server.library.TaskArguments;
import alchemist.task.ArgType;
import alchemist.task.Signature;
import alchemist.task.Task;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import alchemist.protocol.Header;
import alchemist.protocol.MessageReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs a task on k simulated workers in this JVM, with no sockets: threads with an in-process
 * communicator, each with its own matrix store holding its row block of every matrix argument. The
 * task, its argument checks, its collectives and its outputs go through the same code as on a server
 * (see {@link TaskExecution}); only the transport is missing. As on an embedded server, OpenBLAS runs one
 * thread per call while a run lasts, and each simulated worker has its own {@link WorkerThreads}. For testing
 * libraries.
 */
public final class InProcessTaskRunner {
    private static final int SESSION = 1;

    /** A run's outputs, matrices assembled whole from the workers' row blocks. */
    public record Result(Map<String, double[][]> matrices, Map<String, Object> scalars) {
        public double[][] matrix(String name) {
            return matrices.get(name);
        }

        public Object scalar(String name) {
            return scalars.get(name);
        }
    }

    private InProcessTaskRunner() {
    }

    /**
     * @param args in signature order: a {@code double[][]} for each MATRIX parameter, a boxed value for the
     *             others; optional trailing parameters may be left off
     * @throws AlchemistException what a client would get: ERROR 11 for arguments that do not fit the
     *                            signature, the task's failure otherwise
     */
    public static Result run(Task task, int workers, Object... args) {
        return runThreaded(task, workers, 1, args);
    }

    /**
     * As {@link #run}, each simulated worker with {@code threadsPerWorker} threads for its task
     * ({@link alchemist.task.TaskContext#threads()}).
     */
    public static Result runThreaded(Task task, int workers, int threadsPerWorker, Object... args) {
        Signature sig = task.signature();
        int[] ranks = new int[workers];
        MatrixStore[] stores = new MatrixStore[workers + 1];
        for (int i = 0; i < workers; i++) {
            ranks[i] = i + 1;
            stores[i + 1] = new MatrixStore(i + 1, Long.MAX_VALUE);
        }
        TaskArguments arguments = TaskArguments.readFromClient(encode(args, ranks, stores), task.name(), sig);
        int matrixOutputs = (int) sig.outputs().stream().filter(o -> o.type() == ArgType.MATRIX).count();
        int[] outputIds = new int[matrixOutputs];
        for (int i = 0; i < matrixOutputs; i++) {
            outputIds[i] = 1000 + i;
        }
        InProcessFabric fabric = new InProcessFabric(workers + 1);
        ExecutorService threads = Executors.newFixedThreadPool(workers);
        List<WorkerThreads> shares = new ArrayList<>();
        try (SingleThreadedBlas.Lease blas = SingleThreadedBlas.acquire()) {
            List<CompletableFuture<TaskExecution.Outcome>> runs = new ArrayList<>();
            for (int rank : ranks) {
                WorkerThreads share = WorkerThreads.start("in-process-worker-" + rank, threadsPerWorker);
                shares.add(share);
                runs.add(CompletableFuture.supplyAsync(() -> TaskExecution.execute(task, arguments,
                        fabric.communicator(rank), ranks, stores[rank], SESSION, rank, outputIds, share), threads));
            }
            List<TaskExecution.Outcome> outcomes = runs.stream().map(CompletableFuture::join).toList();
            TaskExecution.Outcome failed = null;
            for (TaskExecution.Outcome o : outcomes) {
                if (!o.ok() && (failed == null || (o.primary() && !failed.primary()))) {
                    failed = o;
                }
            }
            if (failed != null) {
                throw failed.error();
            }
            return assemble(sig, outcomes);
        } finally {
            threads.shutdownNow();
            shares.forEach(WorkerThreads::close);
        }
    }

    /** Stores the matrix arguments in row blocks and writes every argument as a client would. */
    private static MessageReader encode(Object[] args, int[] ranks, MatrixStore[] stores) {
        ByteBuf buf = Unpooled.buffer();
        MessageWriter w = MessageWriter.begin(buf, 0, SESSION, Command.RUN_TASK);
        int nextId = 1;
        for (Object a : args) {
            if (a instanceof double[][] m) {
                int id = nextId++;
                MatrixLayout layout = MatrixLayout.rowBlocks(id, m.length, m[0].length, ranks);
                for (int i = 0; i < ranks.length; i++) {
                    int first = (int) layout.rowStart(i);
                    int rows = (int) (layout.rowEnd(i) - first);
                    LocalRows local = stores[ranks[i]].create(id, SESSION, m.length, first, rows, m[0].length);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(m[first + r], 0, local.values(), r * m[0].length, m[0].length);
                    }
                }
                w.putMatrixId(id);
            } else {
                w.putValue(a);
            }
        }
        w.finish();
        return new MessageReader(buf.skipBytes(Header.LENGTH));
    }

    private static Result assemble(Signature sig, List<TaskExecution.Outcome> outcomes) {
        Map<String, double[][]> matrices = new LinkedHashMap<>();
        Map<String, Object> scalars = new LinkedHashMap<>();
        for (Signature.Output o : sig.outputs()) {
            if (o.type() != ArgType.MATRIX) {
                scalars.put(o.name(), outcomes.get(0).context().scalars().get(o.name()));
                continue;
            }
            LocalRows first = outcomes.get(0).context().matrices().get(o.name());
            double[][] whole = new double[(int) first.numRows()][first.numCols()];
            for (TaskExecution.Outcome outcome : outcomes) {
                LocalRows part = outcome.context().matrices().get(o.name());
                for (int r = 0; r < part.localRows(); r++) {
                    System.arraycopy(part.values(), r * part.numCols(), whole[(int) part.firstRow() + r], 0, part.numCols());
                }
            }
            matrices.put(o.name(), whole);
        }
        return new Result(matrices, scalars);
    }
}
