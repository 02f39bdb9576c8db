package alchemist.server.worker;

import alchemist.task.Parallel;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's share of the cores for its tasks ({@link alchemist.task.TaskContext#parallel()}): the calling
 * thread plus {@code threads − 1} daemon helpers. It lives in the server, one per worker, not in a library:
 * libraries are loaded in a fresh class loader per LOAD_LIBRARY, and a pool of theirs would multiply.
 */
public final class WorkerThreads implements Parallel, AutoCloseable {
    private final int threads;
    private final ExecutorService helpers;

    private WorkerThreads(String name, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a worker needs at least 1 thread, not " + threads);
        }
        this.threads = threads;
        AtomicInteger count = new AtomicInteger();
        this.helpers = threads == 1 ? null : new ThreadPoolExecutor(threads - 1, threads - 1, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * @param name    prefix of the helper threads' names
     * @param threads pieces that may run at once, ≥ 1 (1: no helper threads)
     */
    public static WorkerThreads start(String name, int threads) {
        return new WorkerThreads(name, threads);
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public void run(List<? extends Runnable> pieces) {
        if (helpers == null || pieces.size() <= 1) {
            Parallel.serial().run(pieces);
            return;
        }
        PieceBatch batch = new PieceBatch(List.copyOf(pieces));
        for (int i = 0, n = Math.min(threads, pieces.size()) - 1; i < n; i++) {
            helpers.execute(batch::drain);
        }
        batch.drain();
        batch.awaitAndRethrow();
    }

    /** Stops the helpers; pieces running finish on their own. */
    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }
}
