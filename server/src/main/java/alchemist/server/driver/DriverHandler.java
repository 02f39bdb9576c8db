package alchemist.server.driver;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.Handshake;
import alchemist.protocol.Header;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.Message;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import alchemist.protocol.WorkerInfo;
import alchemist.server.library.LoadedLibrary;
import alchemist.server.net.MessageHandler;
import alchemist.server.net.Replies;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Serves one client's control connection to the driver. The connection is the session: it opens with
 * HANDSHAKE and ends when the client stops or the connection drops. Runs on its own executor, since
 * commands wait for the workers.
 */
public final class DriverHandler extends MessageHandler {
    private final Driver driver;
    private Session session;

    public DriverHandler(Driver driver) {
        super(true);
        this.driver = driver;
    }

    @Override
    protected void handle(ChannelHandlerContext ctx, Message m) {
        Command command = m.command();
        if (session == null) {
            if (command != Command.HANDSHAKE) {
                throw closing(new AlchemistException(ErrorCode.INVALID_HANDSHAKE,
                        "send HANDSHAKE first, not " + Command.describe(m.header().command())));
            }
            handshake(ctx, m);
            return;
        }
        checkIds(m.header());
        if (command == null) {
            throw new AlchemistException(ErrorCode.UNKNOWN_COMMAND, "unknown command code " + m.header().command());
        }
        MessageReader r = m.reader();
        switch (command) {
            case HANDSHAKE -> throw new AlchemistException(ErrorCode.INVALID_HANDSHAKE, "this connection has already shaken hands");
            case REQUEST_ID -> reply(ctx, command, w -> w.putShort(session.clientId()));
            case CLIENT_INFO -> {
                r.readShort();
                r.readString();
                reply(ctx, command, w -> w.putShort(1));
            }
            case SEND_TEST_STRING -> {
                String text = r.readString();
                reply(ctx, command, w -> w.putString("Alchemist driver received: '" + text + "'"));
            }
            case REQUEST_TEST_STRING -> reply(ctx, command, w -> w.putString("This is a test string from the Alchemist driver"));
            case REQUEST_WORKERS -> {
                List<WorkerInfo> workers = driver.requestWorkers(session, r.readShort());
                reply(ctx, command, w -> writeAssigned(w, workers));
            }
            case SEND_ASSIGNED_WORKERS_INFO -> reply(ctx, command, w -> writeAssigned(w, driver.assignedWorkers(session)));
            case YIELD_WORKERS -> {
                List<Integer> ids = null;
                if (r.hasRemaining()) {
                    ids = new ArrayList<>();
                    while (r.hasRemaining()) {
                        ids.add(r.readUnsignedShort());
                    }
                }
                int yielded = driver.yieldWorkers(session, ids);
                reply(ctx, command, w -> w.putShort(yielded));
            }
            case LIST_ALL_WORKERS -> list(ctx, command, driver.listWorkers(Driver.WorkerFilter.ALL));
            case LIST_ACTIVE_WORKERS -> list(ctx, command, driver.listWorkers(Driver.WorkerFilter.ACTIVE));
            case LIST_INACTIVE_WORKERS -> list(ctx, command, driver.listWorkers(Driver.WorkerFilter.INACTIVE));
            case LIST_ASSIGNED_WORKERS -> list(ctx, command, driver.assignedWorkers(session));
            case MATRIX_INFO -> {
                int type = r.readByte();
                int layout = r.readByte();
                long rows = r.readLong();
                long cols = r.readLong();
                if (type != 0 || layout != MatrixLayout.ROW_BLOCKS) {
                    throw new AlchemistException(ErrorCode.INCONSISTENT_DATATYPES, "only dense (type 0) matrices in row "
                            + "blocks (layout 0) exist; got type " + type + ", layout " + layout);
                }
                MatrixLayout created = driver.createMatrix(session, rows, cols);
                reply(ctx, command, created::write);
            }
            case MATRIX_LAYOUT -> {
                MatrixLayout layout = driver.layout(session, r.readMatrixId());
                reply(ctx, command, layout::write);
            }
            case FREE_MATRIX -> {
                int id = r.readMatrixId();
                driver.freeMatrix(session, id);
                reply(ctx, command, w -> w.putMatrixId(id));
            }
            case LOAD_LIBRARY -> {
                String name = r.readString();
                String path = r.hasRemaining() ? r.readString() : "";
                int id = driver.loadLibrary(session, name, path);
                reply(ctx, command, w -> w.putShort(id));
            }
            case UNLOAD_LIBRARY -> {
                int id = r.readUnsignedShort();
                driver.unloadLibrary(session, id);
                reply(ctx, command, w -> w.putShort(id));
            }
            case LIST_LIBRARIES -> reply(ctx, command, w -> {
                for (LoadedLibrary lib : driver.libraries(session)) {
                    w.putShort(lib.id()).putString(lib.clientName()).putString(lib.describeTasks());
                }
            });
            case RUN_TASK -> {
                List<TaskOutput> outputs = driver.runTask(session, r);
                reply(ctx, command, w -> {
                    w.putShort(outputs.size());
                    for (TaskOutput o : outputs) {
                        w.putString(o.name());
                        if (o.matrix() != null) {
                            o.matrix().writeAsOutput(w);
                        } else {
                            w.putValue(o.scalar());
                        }
                    }
                });
            }
            case SHUT_DOWN -> {
                Runnable stop = driver.shutDown();
                reply(ctx, command, w -> w.putShort(1)).addListener(f -> stop.run()); // the reply goes out first
            }
            case SEND_MATRIX_BLOCKS, REQUEST_MATRIX_BLOCKS -> throw new AlchemistException(ErrorCode.UNKNOWN_COMMAND,
                    "matrix data goes to the workers, never through the driver");
            default -> throw new AlchemistException(ErrorCode.UNKNOWN_COMMAND,
                    "command " + Command.describe(command.code()) + " is not served by this driver");
        }
    }

    private void handshake(ChannelHandlerContext ctx, Message m) {
        MessageReader r = m.reader();
        try {
            r.readByte();
            int number = r.readShort();
            String text = r.readString();
            if (number != Handshake.CLIENT_NUMBER || !Handshake.CLIENT_TEXT.equals(text)) {
                throw new AlchemistException(ErrorCode.INVALID_HANDSHAKE,
                        "expected handshake values 1234 and 'ABCD', got " + number + " and '" + text + "'");
            }
        } catch (AlchemistException e) {
            throw closing(e.code() == ErrorCode.INVALID_HANDSHAKE ? e
                    : new AlchemistException(ErrorCode.INVALID_HANDSHAKE, "malformed handshake: " + e.detail()));
        }
        session = driver.openSession();
        reply(ctx, Command.HANDSHAKE, w -> w.putShort(Handshake.SERVER_NUMBER).putString(Handshake.SERVER_TEXT));
    }

    private void checkIds(Header h) {
        if (h.clientId() != session.clientId()) {
            throw new AlchemistException(ErrorCode.INVALID_CLIENT_ID,
                    "this connection is client " + session.clientId() + ", the header says " + h.clientId());
        }
        if (h.sessionId() != session.id()) {
            throw new AlchemistException(ErrorCode.INVALID_SESSION,
                    "this connection is session " + session.id() + ", the header says " + h.sessionId());
        }
    }

    private void writeAssigned(MessageWriter w, List<WorkerInfo> workers) {
        w.putShort(workers.size());
        workers.forEach(info -> info.writeAddress(w));
        w.putLong(session.token());
    }

    private void list(ChannelHandlerContext ctx, Command command, List<WorkerInfo> workers) {
        reply(ctx, command, w -> {
            w.putShort(workers.size());
            workers.forEach(info -> info.writeListing(w));
        });
    }

    private ChannelFuture reply(ChannelHandlerContext ctx, Command command, Consumer<MessageWriter> body) {
        return Replies.send(ctx, session.clientId(), session.id(), command, body);
    }

    @Override
    protected ChannelFuture replyError(ChannelHandlerContext ctx, Header request, AlchemistException e) {
        return session == null ? super.replyError(ctx, request, e)
                : Replies.error(ctx, session.clientId(), session.id(), e);
    }

    @Override
    protected void connectionClosed(ChannelHandlerContext ctx) {
        if (session != null) {
            driver.endSession(session);
        }
    }
}
