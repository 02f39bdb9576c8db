package alchemist.spark;

import alchemist.client.TaskResult;
import java.util.List;

/** The named outputs of a task run in a Spark application: matrices as {@link AlMatrix}, and scalars. */
public final class AlResult {
    private final AlchemistContext context;
    private final TaskResult result;

    AlResult(AlchemistContext context, TaskResult result) {
        this.context = context;
        this.result = result;
    }

    /** @return the output names, in the task's order */
    public List<String> names() {
        return result.names();
    }

    /** @return a matrix output, e.g. "U" */
    public AlMatrix matrix(String name) {
        return new AlMatrix(context, result.matrix(name));
    }

    /** @return a scalar output (Integer, Long, Double, ...) */
    public Object scalar(String name) {
        return result.scalar(name);
    }

    /** @return the outputs as the Java client sees them */
    public TaskResult taskResult() {
        return result;
    }

    @Override
    public String toString() {
        return result.toString();
    }
}
