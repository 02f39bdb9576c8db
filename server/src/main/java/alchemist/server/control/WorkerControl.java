package alchemist.server.control;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import alchemist.protocol.WorkerInfo;
import alchemist.server.comm.Communicator;
import alchemist.server.comm.CommunicatorClosedException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of driver–worker control: sends an operation to workers over the communicator and
 * waits for their replies, which a dispatcher thread pairs with requests by request ID. Thread-safe:
 * sessions call it concurrently.
 */
public final class WorkerControl implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerControl.class);
    private static final Consumer<MessageWriter> NO_FIELDS = w -> { };

    private final Communicator comm;
    private final AtomicLong nextRequest = new AtomicLong(1);
    private final Map<Long, CompletableFuture<ControlMessage>> pending = new ConcurrentHashMap<>();
    private Thread dispatcher;
    private volatile boolean closed;

    /** @param comm the driver's communicator (rank 0) */
    public WorkerControl(Communicator comm) {
        this.comm = comm;
    }

    /**
     * Waits for every worker's REGISTER and then starts the reply dispatcher.
     *
     * @return the workers in rank order
     */
    public List<WorkerInfo> awaitRegistrations() {
        WorkerInfo[] workers = new WorkerInfo[comm.size() - 1];
        for (int i = 0; i < workers.length; i++) {
            ControlMessage m = ControlMessage.decode(comm.recv(Communicator.ANY_SOURCE, ControlOp.TAG_TO_DRIVER).data());
            if (m.op() != ControlOp.REGISTER) {
                throw new IllegalStateException("expected REGISTER from a worker, got " + m.op());
            }
            WorkerInfo w = WorkerInfo.readAddress(m.fields());
            workers[w.id() - 1] = w;
        }
        dispatcher = new Thread(this::dispatchReplies, "alchemist-control-replies");
        dispatcher.setDaemon(true);
        dispatcher.start();
        return List.of(workers);
    }

    /**
     * Runs an operation on one worker and waits for its reply.
     *
     * @return the reply's fields after the status
     * @throws AlchemistException the worker's error
     */
    public MessageReader call(int worker, ControlOp op, int sessionId, Consumer<MessageWriter> fields) {
        return await(List.of(start(worker, op, sessionId, fields))).get(0);
    }

    /**
     * Runs an operation on several workers at once and waits for all of them, so none is left mid-way.
     *
     * @throws AlchemistException the first worker error, after every worker has replied
     */
    public List<MessageReader> callAll(Collection<Integer> workers, ControlOp op, int sessionId,
            Consumer<MessageWriter> fields) {
        List<CompletableFuture<ControlMessage>> calls = new ArrayList<>();
        for (int worker : workers) {
            calls.add(start(worker, op, sessionId, fields));
        }
        return await(calls);
    }

    /** Runs an operation without fields on several workers. */
    public List<MessageReader> callAll(Collection<Integer> workers, ControlOp op, int sessionId) {
        return callAll(workers, op, sessionId, NO_FIELDS);
    }

    /** A worker's reply: its status, message, and the fields after them. */
    public record Reply(int worker, int status, String message, MessageReader fields) {
    }

    /**
     * Runs an operation on several workers and returns every reply, failed or not, once all are in.
     *
     * @throws AlchemistException only if a worker could not be reached
     */
    public List<Reply> callAllReplies(List<Integer> workers, ControlOp op, int sessionId, Consumer<MessageWriter> fields) {
        List<CompletableFuture<ControlMessage>> calls = new ArrayList<>();
        for (int worker : workers) {
            calls.add(start(worker, op, sessionId, fields));
        }
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            MessageReader r = join(calls.get(i)).fields();
            int status = r.readShort();
            replies.add(new Reply(workers.get(i), status, r.readString(), r));
        }
        return replies;
    }

    private static ControlMessage join(CompletableFuture<ControlMessage> call) {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlchemistException(ErrorCode.INTERNAL_ERROR, "interrupted waiting for workers");
        } catch (ExecutionException e) {
            throw new AlchemistException(ErrorCode.INTERNAL_ERROR, e.getCause().getMessage());
        }
    }

    private CompletableFuture<ControlMessage> start(int worker, ControlOp op, int sessionId, Consumer<MessageWriter> fields) {
        if (closed) {
            throw new AlchemistException(ErrorCode.INTERNAL_ERROR, "the server is shutting down");
        }
        long id = nextRequest.getAndIncrement();
        CompletableFuture<ControlMessage> reply = new CompletableFuture<>();
        pending.put(id, reply);
        comm.send(ControlMessage.encode(op, sessionId, id, fields), worker, ControlOp.TAG_TO_WORKER);
        return reply;
    }

    private static List<MessageReader> await(List<CompletableFuture<ControlMessage>> calls) {
        List<MessageReader> results = new ArrayList<>();
        AlchemistException first = null;
        for (CompletableFuture<ControlMessage> call : calls) {
            try {
                MessageReader r = join(call).fields();
                int status = r.readShort();
                String text = r.readString();
                if (status != 0 && first == null) {
                    first = new AlchemistException(ErrorCode.fromCode(status), text);
                }
                results.add(r);
            } catch (AlchemistException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return results;
    }

    private void dispatchReplies() {
        try {
            while (true) {
                ControlMessage m = ControlMessage.decode(comm.recv(Communicator.ANY_SOURCE, ControlOp.TAG_TO_DRIVER).data());
                if (m.op() == ControlOp.STOP_DISPATCHER) {
                    return;
                }
                CompletableFuture<ControlMessage> f = pending.remove(m.requestId());
                if (f == null) {
                    LOG.warn("reply to unknown control request {}", m.requestId());
                } else {
                    f.complete(m);
                }
            }
        } catch (CommunicatorClosedException e) {
            LOG.debug("control dispatcher stops: {}", e.getMessage());
        } finally {
            failPending("the driver's control channel closed");
        }
    }

    /**
     * Fails every operation still waiting for a worker, and every later one: the job is ending (under MPI, a
     * rank died and mpirun is stopping the rest), so the sessions waiting on workers answer their clients
     * with an error instead of waiting forever.
     */
    public void abandon(String why) {
        closed = true;
        failPending(why);
    }

    private void failPending(String why) {
        for (CompletableFuture<ControlMessage> f : pending.values()) {
            f.completeExceptionally(new IllegalStateException(why));
        }
        pending.clear();
    }

    /** Stops every worker, then the dispatcher. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<Integer> all = new ArrayList<>();
        for (int r = 1; r < comm.size(); r++) {
            all.add(r);
        }
        try {
            if (dispatcher != null) {
                callAll(all, ControlOp.SHUTDOWN, 0);
            }
        } catch (RuntimeException e) {
            LOG.warn("workers did not all stop cleanly: {}", e.getMessage());
        }
        closed = true;
        comm.send(ControlMessage.encode(ControlOp.STOP_DISPATCHER, 0, 0, NO_FIELDS), 0, ControlOp.TAG_TO_DRIVER);
        if (dispatcher != null) {
            try {
                dispatcher.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
