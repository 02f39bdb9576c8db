package alchemist.server.worker;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.Datatype;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.Handshake;
import alchemist.protocol.Header;
import alchemist.protocol.Message;
import alchemist.protocol.MessageBuffers;
import alchemist.protocol.MessageReader;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import alchemist.server.net.MessageHandler;
import alchemist.server.net.Replies;

/**
 * Serves one client's data connection to a worker: the handshake with the session token, test strings,
 * and matrix blocks in and out. Runs on the connection's event loop; block copies are bulk copies
 * between the message and the worker's rows.
 */
final class WorkerDataHandler extends MessageHandler {
    /** The session a data channel was admitted to. */
    static final AttributeKey<Integer> SESSION = AttributeKey.valueOf("alchemist.session");
    /** Bytes of one block's bounds (a LONG run of 4) plus its DOUBLE run header. */
    private static final int BLOCK_OVERHEAD = 2 * 5 + 4 * Long.BYTES;

    private final Worker worker;
    private final long maxBodyLength;
    /** This connection's reused buffers for block replies. */
    private final MessageBuffers replyBuffers = new MessageBuffers(MessageBuffers.BLOCK_MESSAGE_CAPACITY);
    private int clientId;
    private int sessionId;
    private boolean admitted;

    WorkerDataHandler(Worker worker, long maxBodyLength) {
        super(false);
        this.worker = worker;
        this.maxBodyLength = maxBodyLength;
    }

    @Override
    protected void handle(ChannelHandlerContext ctx, Message m) {
        Command command = m.command();
        if (command == Command.HANDSHAKE) {
            handshake(ctx, m);
            return;
        }
        if (!admitted) {
            throw closing(new AlchemistException(ErrorCode.INVALID_HANDSHAKE,
                    "send HANDSHAKE with the session token before " + Command.describe(m.header().command())));
        }
        if (m.header().sessionId() != sessionId) {
            throw new AlchemistException(ErrorCode.INVALID_SESSION,
                    "this connection belongs to session " + sessionId + ", not " + m.header().sessionId());
        }
        if (command == null) {
            throw new AlchemistException(ErrorCode.UNKNOWN_COMMAND, "unknown command code " + m.header().command());
        }
        switch (command) {
            case SEND_TEST_STRING -> {
                String text = m.reader().readString();
                reply(ctx, command, "Alchemist worker received: '" + text + "'");
            }
            case REQUEST_TEST_STRING -> reply(ctx, command, "This is a test string from Alchemist worker " + worker.id());
            case SEND_MATRIX_BLOCKS -> receiveBlocks(ctx, m);
            case REQUEST_MATRIX_BLOCKS -> sendBlocks(ctx, m);
            default -> throw new AlchemistException(ErrorCode.UNKNOWN_COMMAND,
                    "command " + Command.describe(command.code()) + " is not served by a worker; send it to the driver");
        }
    }

    private void handshake(ChannelHandlerContext ctx, Message m) {
        if (admitted) {
            throw new AlchemistException(ErrorCode.INVALID_HANDSHAKE, "this connection has already shaken hands");
        }
        MessageReader r = m.reader();
        try {
            r.readByte();
            int number = r.readShort();
            String text = r.readString();
            if (number != Handshake.CLIENT_NUMBER || !Handshake.CLIENT_TEXT.equals(text)) {
                throw new AlchemistException(ErrorCode.INVALID_HANDSHAKE, "expected handshake values 1234 and 'ABCD', got "
                        + number + " and '" + text + "'");
            }
            if (r.peekType() != Datatype.LONG) {
                throw new AlchemistException(ErrorCode.INVALID_SESSION,
                        "a worker handshake needs the session token (a LONG after 'ABCD')");
            }
            long token = r.readLong();
            sessionId = worker.admit(m.header().sessionId(), token, ctx.channel());
        } catch (AlchemistException e) {
            throw closing(e.code() == ErrorCode.INCONSISTENT_DATATYPES
                    ? new AlchemistException(ErrorCode.INVALID_HANDSHAKE, "malformed handshake: " + e.detail()) : e);
        }
        clientId = m.header().clientId();
        admitted = true;
        Replies.send(ctx, clientId, sessionId, Command.HANDSHAKE,
                w -> w.putShort(Handshake.SERVER_NUMBER).putString(Handshake.SERVER_TEXT));
    }

    /** SEND_MATRIX_BLOCKS: every block is checked before any is stored, so a bad message changes nothing. */
    private void receiveBlocks(ChannelHandlerContext ctx, Message m) {
        worker.checkServes(sessionId);
        LocalRows rows = worker.store().get(new MessageReader(m.body().duplicate()).readMatrixId(), sessionId);
        int blocks = forEachBlock(m.body().duplicate(), rows, false);
        forEachBlock(m.body(), rows, true);
        Replies.send(ctx, clientId, sessionId, Command.SEND_MATRIX_BLOCKS,
                w -> w.putMatrixId(rows.matrixId()).putInt(blocks));
    }

    private static int forEachBlock(io.netty.buffer.ByteBuf body, LocalRows rows, boolean store) {
        MessageReader r = new MessageReader(body);
        r.readMatrixId();
        int blocks = 0;
        while (r.hasRemaining()) {
            long r0 = r.readLong();
            long r1 = r.readLong();
            long c0 = r.readLong();
            long c1 = r.readLong();
            rows.checkBlock(r0, r1, c0, c1);
            blocks++;
            if (store) {
                rows.write(r0, r1, (int) c0, (int) c1, r);
            } else {
                checkValues(r, blocks, r0, r1, c0, c1, rows.matrixId());
            }
        }
        return blocks;
    }

    /**
     * Skips a block's values, checking that exactly as many DOUBLEs follow its bounds as they hold.
     *
     * @throws AlchemistException {@link ErrorCode#INCONSISTENT_DATATYPES} naming the block, if there are fewer or more
     */
    private static void checkValues(MessageReader r, int block, long r0, long r1, long c0, long c1, int matrixId) {
        long values = (r1 - r0 + 1) * (c1 - c0 + 1);
        String which = "block " + block + " (rows " + r0 + ".." + r1 + ", cols " + c0 + ".." + c1 + ") of matrix "
                + matrixId + " holds " + values + " values";
        try {
            r.skip(Datatype.DOUBLE, values);
        } catch (AlchemistException e) {
            throw new AlchemistException(ErrorCode.INCONSISTENT_DATATYPES, which + ", but fewer follow its bounds: "
                    + e.detail());
        }
        if (r.peekType() == Datatype.DOUBLE) {
            throw new AlchemistException(ErrorCode.INCONSISTENT_DATATYPES, which + ", but more follow its bounds");
        }
    }

    /** REQUEST_MATRIX_BLOCKS: the reply repeats each block's bounds before its values. */
    private void sendBlocks(ChannelHandlerContext ctx, Message m) {
        worker.checkServes(sessionId);
        MessageReader r = m.reader();
        LocalRows rows = worker.store().get(r.readMatrixId(), sessionId);
        long[] bounds = new long[(int) Math.min(r.remainingInRun(), maxBodyLength / Long.BYTES)];
        int n = 0;
        long bytes = Header.LENGTH + 5 + 2;
        while (r.hasRemaining()) {
            if (n + 4 > bounds.length) {
                bounds = java.util.Arrays.copyOf(bounds, Math.max(16, bounds.length * 2));
            }
            for (int i = 0; i < 4; i++) {
                bounds[n + i] = r.readLong();
            }
            rows.checkBlock(bounds[n], bounds[n + 1], bounds[n + 2], bounds[n + 3]);
            bytes += BLOCK_OVERHEAD + (bounds[n + 1] - bounds[n] + 1) * (bounds[n + 3] - bounds[n + 2] + 1) * Double.BYTES;
            n += 4;
            if (bytes - Header.LENGTH > maxBodyLength) {
                throw new AlchemistException(ErrorCode.MESSAGE_TOO_LARGE, "the reply would exceed the limit of "
                        + maxBodyLength + " bytes; request fewer values per message");
            }
        }
        long[] b = bounds;
        int count = n;
        Replies.send(ctx, replyBuffers, clientId, sessionId, Command.REQUEST_MATRIX_BLOCKS, (int) bytes, w -> {
            w.putMatrixId(rows.matrixId());
            for (int i = 0; i < count; i += 4) {
                w.putBounds(b[i], b[i + 1], b[i + 2], b[i + 3]);
                rows.read(b[i], b[i + 1], (int) b[i + 2], (int) b[i + 3], w);
            }
        });
    }

    private ChannelFuture reply(ChannelHandlerContext ctx, Command command, String text) {
        return Replies.send(ctx, clientId, sessionId, command, w -> w.putString(text));
    }

    @Override
    protected ChannelFuture replyError(ChannelHandlerContext ctx, Header request, AlchemistException e) {
        return Replies.error(ctx, admitted ? clientId : request.clientId(), request.sessionId(), e);
    }
}
