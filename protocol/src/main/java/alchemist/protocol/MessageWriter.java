package alchemist.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Writes one message (header and body) into a {@link ByteBuf}. Consecutive values of one datatype are
 * grouped into one run, so {@code putShort(2).putShort(1)} writes {@code SHORT (2) 2 1}; a string is
 * always a run of its own. {@link #finish()} fills in the run counts and the body length.
 *
 * <p>Not thread-safe; one writer per message. The buffer stays owned by the caller.
 */
public final class MessageWriter {
    private final ByteBuf buf;
    private final int start;
    private Datatype runType;
    private int runCountIndex = -1;
    private long runCount;

    private MessageWriter(ByteBuf buf) {
        this.buf = buf;
        this.start = buf.writerIndex();
    }

    /**
     * Starts a message at the buffer's writer index.
     *
     * @param buf       where the message goes
     * @param clientId  header client ID
     * @param sessionId header session ID
     * @param command   header command
     */
    public static MessageWriter begin(ByteBuf buf, int clientId, int sessionId, Command command) {
        return begin(buf, clientId, sessionId, command.code());
    }

    /** Starts a message with a raw command byte (the server's internal control messages use their own codes). */
    public static MessageWriter begin(ByteBuf buf, int clientId, int sessionId, int commandCode) {
        MessageWriter w = new MessageWriter(buf);
        buf.writeShort(clientId).writeShort(sessionId).writeByte(commandCode).writeInt(0);
        return w;
    }

    public MessageWriter putByte(int value) {
        extendRun(Datatype.BYTE, 1);
        buf.writeByte(value);
        return this;
    }

    public MessageWriter putShort(int value) {
        extendRun(Datatype.SHORT, 1);
        buf.writeShort(value);
        return this;
    }

    /**
     * Writes a whole message into a new buffer from {@code alloc}, released again if {@code body} throws.
     *
     * @param sizeHint expected size of the whole message, to allocate once
     * @return the message; the caller owns it
     */
    public static ByteBuf write(ByteBufAllocator alloc, int sizeHint, int clientId, int sessionId, Command command,
            Consumer<MessageWriter> body) {
        return write(alloc.ioBuffer(sizeHint), clientId, sessionId, command, body);
    }

    /**
     * Writes a whole message into {@code buf}, released if {@code body} throws.
     *
     * @return {@code buf}
     */
    public static ByteBuf write(ByteBuf buf, int clientId, int sessionId, Command command, Consumer<MessageWriter> body) {
        try {
            MessageWriter w = begin(buf, clientId, sessionId, command);
            body.accept(w);
            return w.finish();
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /** Writes a matrix ID the way the original clients do: as a SHORT. */
    public MessageWriter putMatrixId(int id) {
        return putShort(id);
    }

    /** Writes a matrix ID as the MATRIX_ID datatype (ext), which tells a reader that a matrix, not a number, follows. */
    public MessageWriter putMatrixHandle(int id) {
        extendRun(Datatype.MATRIX_ID, 1);
        buf.writeShort(id);
        return this;
    }

    /**
     * Writes a boxed scalar as its natural type: Byte → BYTE, Short → SHORT, Integer → INT, Long → LONG,
     * Float → FLOAT, Double → DOUBLE, String → STRING.
     *
     * @throws IllegalArgumentException for any other class
     */
    public MessageWriter putValue(Object value) {
        if (value instanceof Byte b) {
            return putByte(b);
        } else if (value instanceof Short s) {
            return putShort(s);
        } else if (value instanceof Integer i) {
            return putInt(i);
        } else if (value instanceof Long l) {
            return putLong(l);
        } else if (value instanceof Float f) {
            return putFloat(f);
        } else if (value instanceof Double d) {
            return putDouble(d);
        } else if (value instanceof String s) {
            return putString(s);
        }
        throw new IllegalArgumentException("no wire type for " + (value == null ? "null" : value.getClass().getName()));
    }

    public MessageWriter putInt(int value) {
        extendRun(Datatype.INT, 1);
        buf.writeInt(value);
        return this;
    }

    public MessageWriter putLong(long value) {
        extendRun(Datatype.LONG, 1);
        buf.writeLong(value);
        return this;
    }

    public MessageWriter putFloat(float value) {
        extendRun(Datatype.FLOAT, 1);
        buf.writeFloat(value);
        return this;
    }

    public MessageWriter putDouble(double value) {
        extendRun(Datatype.DOUBLE, 1);
        buf.writeDouble(value);
        return this;
    }

    /** Writes the four inclusive bounds of a block: first row, last row, first column, last column. */
    public MessageWriter putBounds(long firstRow, long lastRow, long firstCol, long lastCol) {
        return putLong(firstRow).putLong(lastRow).putLong(firstCol).putLong(lastCol);
    }

    /** Writes {@code length} doubles of {@code src} from {@code offset} in one bulk big-endian copy. */
    public MessageWriter putDoubles(double[] src, int offset, int length) {
        extendRun(Datatype.DOUBLE, length);
        int bytes = length * Double.BYTES;
        buf.ensureWritable(bytes);
        int at = buf.writerIndex();
        buf.nioBuffer(at, bytes).asDoubleBuffer().put(src, offset, length);
        buf.writerIndex(at + bytes);
        return this;
    }

    /** Writes a string as a run of its own: {@code STRING (bytes) text}. */
    public MessageWriter putString(String value) {
        closeRun();
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buf.writeByte(Datatype.STRING.code()).writeInt(bytes.length).writeBytes(bytes);
        return this;
    }

    /**
     * Closes the last run and writes the body length into the header.
     *
     * @return the buffer, holding the whole message
     */
    public ByteBuf finish() {
        closeRun();
        buf.setInt(start + 5, buf.writerIndex() - start - Header.LENGTH);
        return buf;
    }

    private void extendRun(Datatype type, int values) {
        if (runType != type) {
            closeRun();
            buf.writeByte(type.code());
            runCountIndex = buf.writerIndex();
            buf.writeInt(0);
            runType = type;
            runCount = 0;
        }
        runCount += values;
    }

    private void closeRun() {
        if (runType != null) {
            buf.setInt(runCountIndex, (int) runCount);
            runType = null;
        }
    }
}
