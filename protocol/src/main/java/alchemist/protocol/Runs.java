package alchemist.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Parses and checks the run headers of a body ({@code u8 datatype, u32 count}). Every length is checked
 * against what is readable before anything is skipped or allocated.
 */
public final class Runs {
    /** Bytes in a run header. */
    public static final int HEADER_LENGTH = 5;

    /** The codes a run may carry, as an error message lists them: "1, 15, 16, ..." (NONE is not one). */
    private static final String KNOWN_CODES = Arrays.stream(Datatype.values()).filter(t -> t != Datatype.NONE)
            .map(t -> String.valueOf(t.code())).collect(Collectors.joining(", "));

    private Runs() {
    }

    /**
     * Reads one run header at the reader index and checks that its values fit in what is readable after it.
     *
     * @return the type; the count is left in {@code countOut[0]}
     * @throws MalformedMessageException on a truncated header, an unknown datatype or a count that overruns
     */
    static Datatype readHeader(ByteBuf body, long[] countOut) {
        if (body.readableBytes() < HEADER_LENGTH) {
            throw malformed("truncated run header: " + body.readableBytes() + " bytes left, need 5");
        }
        int code = body.readUnsignedByte();
        long count = body.readUnsignedInt();
        Datatype type = Datatype.fromCode(code);
        if (type == null || type == Datatype.NONE) {
            throw malformed("unknown datatype code " + code + ", expected one of " + KNOWN_CODES);
        }
        long bytes = count * type.size();
        if (bytes > body.readableBytes()) {
            throw malformed("run of " + count + " " + type + " needs " + bytes + " bytes but only "
                    + body.readableBytes() + " remain in the body");
        }
        countOut[0] = count;
        return type;
    }

    /**
     * Walks every run of a body without moving its reader index.
     *
     * @throws MalformedMessageException if any run is malformed
     */
    public static void validate(ByteBuf body) {
        ByteBuf view = body.duplicate();
        long[] count = new long[1];
        while (view.isReadable()) {
            Datatype type = readHeader(view, count);
            view.skipBytes((int) (count[0] * type.size()));
        }
    }

    static MalformedMessageException malformed(String message) {
        return new MalformedMessageException(ErrorCode.INCONSISTENT_DATATYPES, "malformed message: " + message);
    }
}
