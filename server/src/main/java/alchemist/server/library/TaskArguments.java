package alchemist.server.library;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.Datatype;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import alchemist.task.ArgType;
import alchemist.task.Signature;
import alchemist.task.Signature.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * A task's arguments checked against its signature, in the signature's types: the driver reads them from
 * RUN_TASK (widening where no value is lost: an INT parameter takes a BYTE, SHORT or LONG in range), and
 * sends them on to the workers in exactly those types.
 */
public final class TaskArguments {
    /** A MATRIX argument: the matrix's ID. */
    public record MatrixArg(int id) {
    }

    private final List<Object> values;

    private TaskArguments(List<Object> values) {
        this.values = values;
    }

    /** @return the value of parameter i (a {@link MatrixArg}, Integer, Long, Double, Float, Byte, Short or String) */
    public Object get(int i) {
        return values.get(i);
    }

    /** @return the IDs of the matrix arguments */
    public List<Integer> matrixIds() {
        return values.stream().filter(v -> v instanceof MatrixArg).map(v -> ((MatrixArg) v).id()).toList();
    }

    /**
     * Reads a client's arguments; missing optional ones take their defaults.
     *
     * @throws AlchemistException {@link ErrorCode#BAD_TASK_ARGUMENTS} naming the expected signature
     */
    public static TaskArguments readFromClient(MessageReader r, String taskName, Signature sig) {
        List<Object> values = new ArrayList<>();
        for (Parameter p : sig.parameters()) {
            if (!r.hasRemaining()) {
                if (p.required()) {
                    throw bad(taskName, sig, "missing argument " + p.name());
                }
                values.add(p.defaultValue());
                continue;
            }
            Datatype wire = r.peekType();
            Object raw = p.type() == ArgType.MATRIX && (wire == Datatype.SHORT || wire == Datatype.MATRIX_ID)
                    ? new MatrixArg(r.readMatrixId()) : r.readValue();
            values.add(coerce(p, raw, taskName, sig));
        }
        if (r.hasRemaining()) {
            throw bad(taskName, sig, "more arguments than parameters");
        }
        return new TaskArguments(values);
    }

    /** Writes the arguments for the workers, each in its parameter's type. */
    public void write(MessageWriter w) {
        for (Object v : values) {
            if (v instanceof MatrixArg m) {
                w.putMatrixHandle(m.id());
            } else {
                w.putValue(v);
            }
        }
    }

    /** Reads what {@link #write} wrote. */
    public static TaskArguments readFromDriver(MessageReader r, Signature sig) {
        List<Object> values = new ArrayList<>();
        for (Parameter p : sig.parameters()) {
            values.add(p.type() == ArgType.MATRIX ? new MatrixArg(r.readMatrixId()) : r.readValue());
        }
        return new TaskArguments(values);
    }

    private static Object coerce(Parameter p, Object raw, String task, Signature sig) {
        String problem = p.name() + " must be " + p.type() + ", got " + describe(raw);
        switch (p.type()) {
            case MATRIX -> {
                if (raw instanceof MatrixArg) {
                    return raw;
                }
            }
            case STRING -> {
                if (raw instanceof String) {
                    return raw;
                }
            }
            case DOUBLE, FLOAT -> {
                if (raw instanceof Number n && !(raw instanceof Long l && Math.abs(l) > (1L << 53))) {
                    return p.type() == ArgType.DOUBLE ? (Object) n.doubleValue() : (Object) n.floatValue();
                }
            }
            default -> {
                if (raw instanceof Byte || raw instanceof Short || raw instanceof Integer || raw instanceof Long) {
                    long v = ((Number) raw).longValue();
                    return switch (p.type()) {
                        case BYTE -> inRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE, problem, task, sig) ? (Object) (byte) v : null;
                        case SHORT -> inRange(v, Short.MIN_VALUE, Short.MAX_VALUE, problem, task, sig) ? (Object) (short) v : null;
                        case INT -> inRange(v, Integer.MIN_VALUE, Integer.MAX_VALUE, problem, task, sig) ? (Object) (int) v : null;
                        default -> v;
                    };
                }
            }
        }
        throw bad(task, sig, problem);
    }

    private static boolean inRange(long v, long min, long max, String problem, String task, Signature sig) {
        if (v < min || v > max) {
            throw bad(task, sig, problem + " (out of range)");
        }
        return true;
    }

    private static String describe(Object raw) {
        return raw instanceof MatrixArg m ? "matrix " + m.id() : raw.getClass().getSimpleName() + " " + raw;
    }

    /** @return ERROR 11 saying what was wrong and what the task expects */
    public static AlchemistException bad(String task, Signature sig, String problem) {
        return new AlchemistException(ErrorCode.BAD_TASK_ARGUMENTS, problem + "; expected " + sig.describe(task));
    }
}
