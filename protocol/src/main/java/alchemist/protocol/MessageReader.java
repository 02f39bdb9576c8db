package alchemist.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads the values of a body in order, whatever their grouping into runs: two {@code readShort()} calls
 * read {@code SHORT (2) 2 1} and {@code SHORT (1) 2 · SHORT (1) 1} alike. Asking for one type where the
 * body holds another is {@link ErrorCode#INCONSISTENT_DATATYPES}; a run that would overrun the body is a
 * {@link MalformedMessageException}.
 *
 * <p>Moves the reader index of the buffer it was given; does not release it.
 */
public final class MessageReader {
    private final ByteBuf body;
    private final long[] countHolder = new long[1];
    private Datatype runType;
    private long runRemaining;
    private int valuesRead;

    public MessageReader(ByteBuf body) {
        this.body = body;
    }

    /** @return true if a value remains (empty runs do not count) */
    public boolean hasRemaining() {
        return nextRun() != null;
    }

    /** @return the type of the next value, or {@code null} at the end of the body */
    public Datatype peekType() {
        return nextRun();
    }

    /** @return values left in the current run, after moving to the next non-empty run */
    public long remainingInRun() {
        return nextRun() == null ? 0 : runRemaining;
    }

    public byte readByte() {
        take(Datatype.BYTE, 1);
        return body.readByte();
    }

    public short readShort() {
        take(Datatype.SHORT, 1);
        return body.readShort();
    }

    /** Reads a SHORT as unsigned (IDs and ports). */
    public int readUnsignedShort() {
        take(Datatype.SHORT, 1);
        return body.readUnsignedShort();
    }

    /** Reads a matrix ID, sent as SHORT or as MATRIX_ID. */
    public int readMatrixId() {
        Datatype type = nextRun();
        take(type == Datatype.MATRIX_ID ? Datatype.MATRIX_ID : Datatype.SHORT, 1);
        return body.readUnsignedShort();
    }

    public int readInt() {
        take(Datatype.INT, 1);
        return body.readInt();
    }

    public long readLong() {
        take(Datatype.LONG, 1);
        return body.readLong();
    }

    public float readFloat() {
        take(Datatype.FLOAT, 1);
        return body.readFloat();
    }

    public double readDouble() {
        take(Datatype.DOUBLE, 1);
        return body.readDouble();
    }

    /** Reads a whole STRING run as UTF-8. */
    public String readString() {
        Datatype type = nextRun();
        if (type != Datatype.STRING) {
            throw mismatch(Datatype.STRING, type);
        }
        int bytes = (int) runRemaining;
        runRemaining = 0;
        runType = null;
        valuesRead++;
        return body.readCharSequence(bytes, StandardCharsets.UTF_8).toString();
    }

    /**
     * Reads the next value as whatever type the body holds: Byte, Short, Integer, Long, Float, Double,
     * String, or for MATRIX_ID an Integer.
     *
     * @throws AlchemistException at the end of the body or for CHAR and COMMAND_CODE values
     */
    public Object readValue() {
        Datatype type = nextRun();
        if (type == null) {
            throw mismatch(Datatype.NONE, null);
        }
        return switch (type) {
            case BYTE -> readByte();
            case SHORT -> readShort();
            case MATRIX_ID -> readMatrixId();
            case INT -> readInt();
            case LONG -> readLong();
            case FLOAT -> readFloat();
            case DOUBLE -> readDouble();
            case STRING -> readString();
            default -> throw new AlchemistException(ErrorCode.INCONSISTENT_DATATYPES, "no value type for " + type);
        };
    }

    /** Reads {@code length} doubles into {@code dst} from {@code offset}, in bulk, across runs if needed. */
    public void readDoubles(double[] dst, int offset, int length) {
        while (length > 0) {
            Datatype type = nextRun();
            if (type != Datatype.DOUBLE) {
                throw mismatch(Datatype.DOUBLE, type);
            }
            int n = (int) Math.min(length, runRemaining);
            int bytes = n * Double.BYTES;
            body.nioBuffer(body.readerIndex(), bytes).asDoubleBuffer().get(dst, offset, n);
            body.skipBytes(bytes);
            runRemaining -= n;
            valuesRead += n;
            offset += n;
            length -= n;
        }
    }

    /** Skips {@code count} values of the given type (for STRING, {@code count} whole strings). */
    public void skip(Datatype type, long count) {
        while (count > 0) {
            Datatype t = nextRun();
            if (t != type) {
                throw mismatch(type, t);
            }
            if (t == Datatype.STRING) {
                // One string is one value: its whole run, however many bytes (none for the empty string).
                body.skipBytes((int) runRemaining);
                runRemaining = 0;
                runType = null;
                valuesRead++;
                count--;
                continue;
            }
            long n = Math.min(count, runRemaining);
            body.skipBytes((int) (n * type.size()));
            runRemaining -= n;
            valuesRead += n;
            count -= n;
        }
    }

    private void take(Datatype expected, int values) {
        Datatype type = nextRun();
        if (type != expected) {
            throw mismatch(expected, type);
        }
        runRemaining -= values;
        valuesRead += values;
    }

    /** Moves past exhausted and empty runs (an empty STRING run is a value: the empty string). */
    private Datatype nextRun() {
        while (runType == null || (runRemaining == 0 && runType != Datatype.STRING)) {
            if (!body.isReadable()) {
                runType = null;
                return null;
            }
            runType = Runs.readHeader(body, countHolder);
            runRemaining = countHolder[0];
        }
        return runType;
    }

    private AlchemistException mismatch(Datatype expected, Datatype found) {
        return new AlchemistException(ErrorCode.INCONSISTENT_DATATYPES, "expected " + expected + " as value #"
                + (valuesRead + 1) + " but found " + (found == null ? "the end of the message" : found));
    }
}
