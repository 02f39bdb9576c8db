package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.WorkerInfo;
import alchemist.server.ServerConfig;
import alchemist.server.net.MessageServer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Alchemist worker: its data port, its matrix store, and the session it currently serves. The
 * driver changes its state through the control operations ({@code assignSession}, {@code createMatrix},
 * ...); clients reach it through {@link WorkerDataHandler}. Thread-safe.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final int id;
    private final MatrixStore store;
    private final WorkerThreads threads;
    private final MessageServer server;
    private final WorkerInfo info;
    private final ChannelGroup dataChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile Assignment assignment;
    private final AtomicLong admitted = new AtomicLong();

    /** The session a worker serves and the token its data connections must present. */
    record Assignment(int sessionId, long token) {
    }

    private Worker(int id, ServerConfig config, EventLoopGroup group) {
        this.id = id;
        this.store = new MatrixStore(id, config.maxWorkerMemory());
        this.server = MessageServer.bind(group, config.bindHost(), config.workerPort(id), config.maxMessageBytes(),
                () -> new WorkerDataHandler(this, config.maxMessageBytes()));
        this.threads = WorkerThreads.start("alchemist-worker-" + id + "-task", config.threadsPerWorker());
        this.info = new WorkerInfo(id, localHostName(), config.advertisedHost(), server.port(), 0);
        LOG.info("worker {} listens on {}:{}", id, config.advertisedHost(), server.port());
    }

    /** Starts worker {@code id} (its MPI rank) and binds its data port. */
    public static Worker start(int id, ServerConfig config, EventLoopGroup group) {
        return new Worker(id, config, group);
    }

    public int id() {
        return id;
    }

    /** @return where clients connect to this worker */
    public WorkerInfo info() {
        return info;
    }

    public MatrixStore store() {
        return store;
    }

    /** @return the threads this worker's tasks run pieces on ({@link alchemist.task.TaskContext#parallel()}) */
    public WorkerThreads threads() {
        return threads;
    }

    /** Gives this worker to a session; only connections presenting {@code token} are served from now on. */
    public void assignSession(int sessionId, long token) {
        assignment = new Assignment(sessionId, token);
    }

    /** Takes this worker back from a session: its matrices are freed and its data connections closed. */
    public void releaseSession(int sessionId) {
        Assignment a = assignment;
        if (a != null && a.sessionId() == sessionId) {
            assignment = null;
        }
        store.freeSession(sessionId);
        dataChannels.stream().filter(ch -> Integer.valueOf(sessionId).equals(ch.attr(WorkerDataHandler.SESSION).get()))
                .forEach(Channel::close);
    }

    /** Reserves this worker's rows of a new matrix of a session. */
    public void createMatrix(int sessionId, MatrixLayout layout) {
        checkServes(sessionId);
        int i = layout.indexOfWorker(id);
        if (i < 0) {
            throw new AlchemistException(ErrorCode.INTERNAL_ERROR, "worker " + id + " holds no rows of " + layout);
        }
        store.create(layout.matrixId(), sessionId, layout.numRows(), layout.rowStart(i),
                layout.rowEnd(i) - layout.rowStart(i), layout.numCols());
    }

    /** Frees a matrix of a session. */
    public void freeMatrix(int sessionId, int matrixId) {
        store.get(matrixId, sessionId);
        store.free(matrixId);
    }

    /**
     * @return the session that {@code token} opens
     * @throws AlchemistException {@link ErrorCode#INVALID_SESSION} unless the worker serves that session with that token
     */
    int admit(int sessionId, long token, Channel channel) {
        Assignment a = assignment;
        if (a == null || a.sessionId() != sessionId || a.token() != token) {
            throw new AlchemistException(ErrorCode.INVALID_SESSION, a == null || a.sessionId() != sessionId
                    ? "worker " + id + " is not assigned to session " + sessionId
                    : "wrong session token for session " + sessionId + " on worker " + id);
        }
        channel.attr(WorkerDataHandler.SESSION).set(sessionId);
        dataChannels.add(channel);
        admitted.incrementAndGet();
        return sessionId;
    }

    /** @throws AlchemistException unless the worker serves the session */
    void checkServes(int sessionId) {
        Assignment a = assignment;
        if (a == null || a.sessionId() != sessionId) {
            throw new AlchemistException(ErrorCode.INVALID_SESSION,
                    "worker " + id + " no longer serves session " + sessionId);
        }
    }

    /** @return the number of data connections open now (for tests and monitoring) */
    public int dataConnections() {
        return dataChannels.size();
    }

    /** @return how many data connections have presented a valid token since the worker started */
    public long admittedConnections() {
        return admitted.get();
    }

    /** Closes the data port and every data connection. */
    @Override
    public void close() {
        server.close();
        threads.close();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
