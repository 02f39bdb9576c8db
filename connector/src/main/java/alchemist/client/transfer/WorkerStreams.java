package alchemist.client.transfer;

import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Runs a transfer's blocks over several worker connections at once: one thread per worker prepares and
 * sends its blocks, with at most {@code window} requests in flight per connection, so the socket never
 * waits for a reply and memory in flight stays bounded. The first failure stops every stream and is
 * thrown once all have stopped.
 */
final class WorkerStreams {
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "alchemist-transfer");
        t.setDaemon(true);
        return t;
    });

    private final int window;

    /** @param window requests in flight per connection */
    WorkerStreams(int window) {
        this.window = window;
    }

    /**
     * @return the session's connection to the {@code i}-th worker of a matrix's layout
     * @throws AlchemistException {@link ErrorCode#UNKNOWN_MATRIX} if the session does not hold that worker: the
     *                            matrix is another session's, or was freed when the worker was yielded
     */
    static ClientConnection connectionTo(Map<Integer, ClientConnection> workers, MatrixLayout layout, int i) {
        ClientConnection c = workers.get(layout.workerId(i));
        if (c == null) {
            throw new AlchemistException(ErrorCode.UNKNOWN_MATRIX, "matrix " + layout.matrixId() + " is laid out on worker "
                    + layout.workerId(i) + ", which this session does not hold (it is another session's matrix, or it "
                    + "was freed when the worker was yielded)");
        }
        return c;
    }

    /** The blocks one connection carries. */
    record Stream(ClientConnection connection, List<Block> blocks) {
    }

    /**
     * Sends each stream's blocks through {@code request} (which starts one request and returns its reply
     * future) and waits for every reply.
     *
     * @throws AlchemistException the first failure
     */
    void run(List<Stream> streams, BiFunction<ClientConnection, Block, CompletableFuture<?>> request) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Stream s : streams) {
            if (!s.blocks().isEmpty()) {
                done.add(CompletableFuture.runAsync(() -> runStream(s, request, failure), THREADS));
            }
        }
        CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).exceptionally(t -> null).join();
        Throwable t = failure.get();
        if (t != null) {
            throw ClientConnection.rethrow(t);
        }
    }

    private void runStream(Stream s, BiFunction<ClientConnection, Block, CompletableFuture<?>> request,
            AtomicReference<Throwable> failure) {
        Semaphore inFlight = new Semaphore(window);
        try {
            for (Block b : s.blocks()) {
                inFlight.acquire();
                if (failure.get() != null) {
                    inFlight.release();
                    break;
                }
                CompletableFuture<?> reply;
                try {
                    reply = request.apply(s.connection(), b);
                } catch (RuntimeException e) {
                    inFlight.release();
                    throw e;
                }
                reply.whenComplete((ok, t) -> {
                    if (t != null) {
                        failure.compareAndSet(null, t);
                    }
                    inFlight.release();
                });
            }
            inFlight.acquire(window); // every reply is in
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }
}
