package alchemist.server.worker;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link WorkerThreads#run} call: hands out its pieces to whichever threads ask ({@link #drain()}), in
 * order, each to one thread; records the first failure; lets the caller wait for the pieces to end. A
 * thread that asks after every piece was taken returns at once, so a helper that starts late (its pool busy
 * with a nested batch, say) never holds the caller up: the caller waits only for pieces under way.
 */
final class PieceBatch {
    private final List<? extends Runnable> pieces;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch ended;
    private volatile boolean failed;
    private Throwable failure; // guarded by this

    PieceBatch(List<? extends Runnable> pieces) {
        this.pieces = pieces;
        this.ended = new CountDownLatch(pieces.size());
    }

    /** Runs pieces not yet taken until none is left (skipping them after a failure). */
    void drain() {
        for (int i = next.getAndIncrement(); i < pieces.size(); i = next.getAndIncrement()) {
            try {
                if (!failed) {
                    pieces.get(i).run();
                }
            } catch (Throwable t) {
                fail(t);
            } finally {
                ended.countDown();
            }
        }
    }

    /**
     * Waits for every piece to end, then rethrows the first failure.
     *
     * @throws CancellationException if interrupted: pieces not yet taken are skipped, and those running (a
     *                               native call cannot be stopped) end on their own
     */
    void awaitAndRethrow() {
        try {
            ended.await();
        } catch (InterruptedException e) {
            failed = true;
            Thread.currentThread().interrupt();
            CancellationException c = new CancellationException("interrupted while " + ended.getCount() + " of "
                    + pieces.size() + " pieces had not ended");
            c.initCause(e);
            throw c;
        }
        Throwable t;
        synchronized (this) {
            t = failure;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private synchronized void fail(Throwable t) {
        failed = true;
        if (failure == null) {
            failure = t;
        } else if (failure != t) {
            failure.addSuppressed(t);
        }
    }
}
