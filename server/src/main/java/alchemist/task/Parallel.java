package alchemist.task;

import java.util.List;

/**
 * Runs independent pieces of one worker's work on the threads the server gives that worker
 * ({@link TaskContext#parallel()}). Each piece should be a sizeable single-threaded call (a DGEMM on a block,
 * say): OpenBLAS runs one thread per call in embedded mode, so a worker keeps its share of the cores busy
 * only by running several calls at once.
 *
 * <p>Results must not depend on the number of threads: a piece's work must be fixed by the problem alone
 * (cut the work by its sizes, never by {@link #threads()}), and pieces must write disjoint outputs.
 */
public interface Parallel {
    /** @return how many pieces may run at once, ≥ 1 */
    int threads();

    /**
     * Runs every piece, at most {@link #threads()} at once, the calling thread taking part; returns when all
     * have finished. Pieces start in list order (put the largest first). After a piece fails, pieces not yet
     * started are skipped.
     *
     * @throws RuntimeException the first piece's failure (later ones added as suppressed), as thrown if
     *                          unchecked; {@link java.util.concurrent.CancellationException} if the caller is
     *                          interrupted while waiting (its interrupt flag is set again)
     */
    void run(List<? extends Runnable> pieces);

    /** @return a {@link Parallel} that runs every piece in the calling thread, in order */
    static Parallel serial() {
        return SerialParallel.INSTANCE;
    }
}
