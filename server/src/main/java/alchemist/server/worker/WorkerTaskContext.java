package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.server.comm.Communicator;
import alchemist.server.library.TaskArguments;
import alchemist.task.ArgType;
import alchemist.task.Parallel;
import alchemist.task.RowBlock;
import alchemist.task.Signature;
import alchemist.task.TaskContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** One worker's view of one task run (see {@link TaskContext}). */
final class WorkerTaskContext implements TaskContext {
    private final String taskName;
    private final Signature signature;
    private final TaskArguments args;
    private final Communicator comm;
    private final MatrixStore store;
    private final int sessionId;
    private final int[] sessionWorkers;
    private final Parallel parallel;
    private final Map<String, Integer> outputIds = new LinkedHashMap<>();
    private final Map<String, LocalRows> matrices = new LinkedHashMap<>();
    private final Map<String, Object> scalars = new LinkedHashMap<>();

    WorkerTaskContext(String taskName, Signature signature, TaskArguments args, Communicator comm, MatrixStore store,
            int sessionId, int[] sessionWorkers, int[] reservedIds, Parallel parallel) {
        this.taskName = taskName;
        this.signature = signature;
        this.args = args;
        this.comm = comm;
        this.store = store;
        this.sessionId = sessionId;
        this.sessionWorkers = sessionWorkers;
        this.parallel = parallel;
        int next = 0;
        for (Signature.Output o : signature.outputs()) {
            if (o.type() == ArgType.MATRIX) {
                outputIds.put(o.name(), reservedIds[next++]);
            }
        }
    }

    @Override
    public int rank() {
        return comm.rank();
    }

    @Override
    public int size() {
        return comm.size();
    }

    @Override
    public Communicator comm() {
        return comm;
    }

    @Override
    public Parallel parallel() {
        return parallel;
    }

    @Override
    public RowBlock matrix(String parameter) {
        return store.get(((TaskArguments.MatrixArg) arg(parameter, ArgType.MATRIX)).id(), sessionId);
    }

    @Override
    public int intArg(String parameter) {
        return ((Number) arg(parameter, ArgType.BYTE, ArgType.SHORT, ArgType.INT)).intValue();
    }

    @Override
    public long longArg(String parameter) {
        return ((Number) arg(parameter, ArgType.BYTE, ArgType.SHORT, ArgType.INT, ArgType.LONG)).longValue();
    }

    @Override
    public double doubleArg(String parameter) {
        return ((Number) arg(parameter, ArgType.FLOAT, ArgType.DOUBLE)).doubleValue();
    }

    @Override
    public byte byteArg(String parameter) {
        return (Byte) arg(parameter, ArgType.BYTE);
    }

    @Override
    public String stringArg(String parameter) {
        return (String) arg(parameter, ArgType.STRING);
    }

    @Override
    public RowBlock createMatrix(String output, long rows, int cols) {
        Integer id = outputIds.get(output);
        if (id == null) {
            throw new IllegalStateException(taskName + " has no matrix output " + output + ": " + signature.describe(taskName));
        }
        if (matrices.containsKey(output)) {
            throw new IllegalStateException(taskName + " created output " + output + " twice");
        }
        if (rows < 1 || cols < 1) {
            throw new IllegalStateException(taskName + " made output " + output + " of " + rows + " x " + cols);
        }
        MatrixLayout layout = MatrixLayout.rowBlocks(id, rows, cols, sessionWorkers);
        int i = rank();
        LocalRows local = store.create(id, sessionId, rows, layout.rowStart(i), layout.rowEnd(i) - layout.rowStart(i), cols);
        matrices.put(output, local);
        return local;
    }

    @Override
    public void putWholeMatrix(String output, double[] rowMajor, long rows, int cols) {
        if (rowMajor.length != rows * cols) {
            throw new IllegalArgumentException(rowMajor.length + " values for a " + rows + " x " + cols + " output " + output);
        }
        RowBlock mine = createMatrix(output, rows, cols);
        System.arraycopy(rowMajor, (int) mine.firstRow() * cols, mine.values(), 0, mine.localRows() * cols);
    }

    @Override
    public void putScalar(String output, Object value) {
        Signature.Output o = signature.output(output);
        if (o == null || o.type() == ArgType.MATRIX) {
            throw new IllegalStateException(taskName + " has no scalar output " + output + ": " + signature.describe(taskName));
        }
        scalars.put(output, value);
    }

    /** @return the matrix outputs this worker holds, by name */
    Map<String, LocalRows> matrices() {
        return matrices;
    }

    /** @return the scalar outputs set, by name */
    Map<String, Object> scalars() {
        return scalars;
    }

    /** @return the IDs reserved for matrix outputs */
    Iterable<Integer> outputIds() {
        return outputIds.values();
    }

    private Object arg(String parameter, ArgType... types) {
        int i = signature.parameterIndex(parameter);
        if (i < 0) {
            throw new IllegalStateException(taskName + " has no parameter " + parameter + ": " + signature.describe(taskName));
        }
        ArgType declared = signature.parameters().get(i).type();
        for (ArgType t : types) {
            if (t == declared) {
                return args.get(i);
            }
        }
        throw new AlchemistException(ErrorCode.INTERNAL_ERROR, taskName + " reads parameter " + parameter + " ("
                + declared + ") as " + types[types.length - 1]);
    }
}
