package alchemist.server.control;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.MessageWriter;
import alchemist.server.comm.Communicator;
import alchemist.server.comm.CommunicatorClosedException;
import alchemist.server.worker.TaskRunner;
import alchemist.server.worker.Worker;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of driver–worker control: registers with the driver, then carries out each operation
 * the driver sends, in order, and replies with its status. Runs until SHUTDOWN; whoever started the
 * worker closes it.
 */
public final class WorkerControlLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerControlLoop.class);

    private final Communicator comm;
    private final Worker worker;
    private final TaskRunner tasks;

    /** @param comm the world communicator; this worker's rank is its ID */
    public WorkerControlLoop(Communicator comm, Worker worker) {
        this.comm = comm;
        this.worker = worker;
        this.tasks = new TaskRunner(worker, comm);
    }

    @Override
    public void run() {
        comm.send(ControlMessage.encode(ControlOp.REGISTER, 0, 0, w -> worker.info().writeAddress(w)), 0,
                ControlOp.TAG_TO_DRIVER);
        try {
            boolean running = true;
            while (running) {
                ControlMessage m = ControlMessage.decode(comm.recv(0, ControlOp.TAG_TO_WORKER).data());
                running = m.op() != ControlOp.SHUTDOWN;
                reply(m, carryOut(m));
            }
        } catch (CommunicatorClosedException e) {
            LOG.debug("worker {} control loop stops: {}", worker.id(), e.getMessage());
        }
    }

    private Consumer<MessageWriter> carryOut(ControlMessage m) {
        try {
            switch (m.op()) {
                case ASSIGN_SESSION -> worker.assignSession(m.sessionId(), m.fields().readLong());
                case RELEASE_SESSION -> {
                    tasks.unloadAll();
                    worker.releaseSession(m.sessionId());
                }
                case CREATE_MATRIX -> worker.createMatrix(m.sessionId(), MatrixLayout.read(m.fields()));
                case FREE_MATRIX -> worker.freeMatrix(m.sessionId(), m.fields().readMatrixId());
                case LOAD_LIBRARY -> tasks.load(m.sessionId(), m.fields().readUnsignedShort(), m.fields().readString(),
                        Path.of(m.fields().readString()));
                case UNLOAD_LIBRARY -> tasks.unload(m.fields().readUnsignedShort());
                case RUN_TASK -> {
                    return tasks.run(m.sessionId(), m.fields());
                }
                case SHUTDOWN -> tasks.unloadAll();
                default -> throw new AlchemistException(ErrorCode.INTERNAL_ERROR, "a worker cannot " + m.op());
            }
            return w -> w.putShort(0).putString("");
        } catch (AlchemistException e) {
            return w -> w.putShort(e.code().code()).putString(e.detail());
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("worker {} failed on {}", worker.id(), m.op(), e);
            return w -> w.putShort(ErrorCode.INTERNAL_ERROR.code()).putString("worker " + worker.id() + ": " + e);
        }
    }

    private void reply(ControlMessage request, Consumer<MessageWriter> status) {
        comm.send(ControlMessage.encode(ControlOp.REPLY, request.sessionId(), request.requestId(), status), 0,
                ControlOp.TAG_TO_DRIVER);
    }
}
