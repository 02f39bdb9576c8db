package alchemist.client;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named outputs of a task run, in the task's order: matrices (as {@link MatrixHandle}s on the
 * session's workers) and scalars. {@code runTask("truncated_svd", a, 20).matrix("S")}.
 */
public final class TaskResult {
    private final Map<String, Object> outputs;

    TaskResult(Map<String, Object> outputs) {
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** @return the output names in order */
    public List<String> names() {
        return new ArrayList<>(outputs.keySet());
    }

    /** @return the i-th output: a {@link MatrixHandle} or a boxed scalar */
    public Object get(int i) {
        return outputs.values().toArray()[i];
    }

    /** @return every output by name, in order */
    public Map<String, Object> asMap() {
        return outputs;
    }

    /**
     * @return a matrix output
     * @throws AlchemistException if the task has no matrix output of that name
     */
    public MatrixHandle matrix(String name) {
        if (outputs.get(name) instanceof MatrixHandle h) {
            return h;
        }
        throw new AlchemistException(ErrorCode.UNKNOWN_MATRIX, "no matrix output " + name + " among " + outputs.keySet());
    }

    /** @return a scalar output (Integer, Long, Double, ...) */
    public Object scalar(String name) {
        Object v = outputs.get(name);
        if (v == null || v instanceof MatrixHandle) {
            throw new AlchemistException(ErrorCode.BAD_TASK_ARGUMENTS, "no scalar output " + name + " among " + outputs.keySet());
        }
        return v;
    }

    /** @return a numeric scalar output as a double */
    public double doubleValue(String name) {
        return ((Number) scalar(name)).doubleValue();
    }

    @Override
    public String toString() {
        return "TaskResult" + outputs;
    }
}
