package alchemist.allib;

import alchemist.task.Library;
import alchemist.task.Task;
import java.util.List;

/**
 * The standard Alchemist task library. Load it with {@code loadLibrary("allib", "")} from a server whose
 * library directory holds its jar; its tasks then run as {@code truncated_svd} or {@code allib.truncated_svd}.
 * Each task's class documents its signature, algorithm and costs; for the SVD, {@link TruncatedSvdTask} gives
 * singular values to LAPACK's accuracy and {@link RandomizedSvdTask} an approximation in fewer passes over A,
 * with a probabilistic bound on its error.
 */
public final class Allib implements Library {
    @Override
    public String name() {
        return "allib";
    }

    @Override
    public List<Task> tasks() {
        return List.of(
                new GramTask(),
                TruncatedSvdTask.withMethodOutput(),
                TruncatedSvdTask.seedForm(),
                new RandomizedSvdTask(),
                new PcaTask(),
                new MatmulTask(),
                new QrTask(),
                new LeastSquaresTask(),
                new KMeansTask());
    }
}
