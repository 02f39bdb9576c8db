package alchemist.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed frames and bodies give the stated error, with a message naming what was received and
 * what was expected; type mismatches in a well-formed body are {@link ErrorCode#INCONSISTENT_DATATYPES}
 * but not malformed (the connection stays usable).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MalformedMessageTest {

    @ParameterizedTest(name = "datatype code {0}")
    @ValueSource(ints = {99, 0, 2, 255})
    void unknownDatatypeIsMalformed(int code) {
        byte[] body = Wire.body().shorts(7).run(code, 1, new byte[8]).build();
        FrameError e = decodeError(Wire.frame(5, 6, 14, body));
        assertEquals(new Header(5, 6, 14, body.length), e.header(), "the error must keep the sender's IDs");
        assertEquals(ErrorCode.INCONSISTENT_DATATYPES, e.error().code());
        assertTrue(e.error().getMessage().contains("malformed"), e.error().getMessage());
        assertTrue(e.error().getMessage().contains("unknown datatype code " + code
                + ", expected one of 1, 15, 16, 18, 34, 35, 36, 46, 47, 53"), e.error().getMessage());
    }

    /**
     * Runs whose count × size overruns the body. The big counts overflow an int multiplication to 0 or a
     * negative number (2^29 LONGs, 2^30 INTs, 2^31 SHORTs are 2^32 bytes; 2^32 - 1 read as an int is -1),
     * so a decoder that multiplied in int, or read the count signed, would accept them.
     */
    @ParameterizedTest(name = "type {0}, count {1}")
    @CsvSource({
        "36, 2, 16",
        "36, 4294967295, 34359738360",
        "36, 536870912, 4294967296",
        "16, 536870912, 4294967296",
        "35, 1073741824, 4294967296",
        "34, 2147483648, 4294967296",
        "46, 4294967295, 4294967295",
        "18, 9, 9",
    })
    void runOverrunningTheBodyIsMalformed(int code, long count, long needed) {
        byte[] body = Wire.body().shorts(1).run(code, count, new byte[8]).build();
        FrameError e = decodeError(Wire.frame(1, 1, 18, body));
        assertEquals(ErrorCode.INCONSISTENT_DATATYPES, e.error().code());
        String msg = e.error().getMessage();
        assertTrue(msg.contains("malformed"), msg);
        assertTrue(msg.contains("run of " + count + " "), msg);
        assertTrue(msg.contains("needs " + needed + " bytes"), msg);
        assertTrue(msg.contains("only 8 remain"), msg);
    }

    /** A count of 2^24 LONGs (128 MiB) or 2^32 - 1 in a 20-byte body must not be allocated for. */
    @ParameterizedTest(name = "count {0}")
    @ValueSource(longs = {16777216L, 4294967295L})
    void hugeCountAllocatesNothing(long count) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] frame = Wire.frame(1, 1, 18, Wire.body().shorts(1).run(Wire.LONG, count, new byte[8]).build());
        decodeError(frame); // warm up: load the classes on this path

        long before = threads.getCurrentThreadAllocatedBytes();
        FrameError e = decodeError(frame);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(ErrorCode.INCONSISTENT_DATATYPES, e.error().code());
        assertTrue(allocated < 8 << 20, "decoding a 29-byte frame allocated " + allocated + " bytes");
    }

    @ParameterizedTest(name = "{0} bytes of run header")
    @ValueSource(ints = {1, 3, 4})
    void truncatedRunHeaderIsMalformed(int bytes) {
        int[] partial = {Wire.STRING, 0, 0, 0, 0};
        byte[] body = Wire.body().shorts(1).raw(Arrays.copyOf(partial, bytes)).build();
        FrameError e = decodeError(Wire.frame(1, 1, 4, body));
        assertEquals(ErrorCode.INCONSISTENT_DATATYPES, e.error().code());
        String msg = e.error().getMessage();
        assertTrue(msg.contains("truncated run header: " + bytes + " bytes left, need 5"), msg);
    }

    @Test
    void validateDoesNotMoveTheReaderIndex() {
        ByteBuf good = Unpooled.wrappedBuffer(Wire.body().shorts(1, 2).string("x").build());
        Runs.validate(good);
        assertEquals(0, good.readerIndex());
        ByteBuf bad = Unpooled.wrappedBuffer(Wire.body().shorts(1).longs(2).raw(0).build());
        assertThrows(MalformedMessageException.class, () -> Runs.validate(bad));
        assertEquals(0, bad.readerIndex());
        good.release();
        bad.release();
    }

    @Test
    void readingShortWhereTheBodyHoldsIntIsInconsistent() {
        AlchemistException e = assertThrows(AlchemistException.class,
                () -> reader(Wire.body().ints(5)).readShort());
        assertInconsistent(e, "expected SHORT as value #1 but found INT");

        MessageReader r = reader(Wire.body().shorts(1).longs(2));
        r.readShort();
        e = assertThrows(AlchemistException.class, r::readString);
        assertInconsistent(e, "expected STRING as value #2 but found LONG");

        e = assertThrows(AlchemistException.class, () -> reader(Wire.body().string("1")).readInt());
        assertInconsistent(e, "expected INT as value #1 but found STRING");

        MessageReader doubles = reader(Wire.body().doubles(1, 2).ints(3).doubles(4, 5));
        e = assertThrows(AlchemistException.class, () -> doubles.readDoubles(new double[4], 0, 4));
        assertInconsistent(e, "expected DOUBLE as value #3 but found INT");
    }

    @Test
    void readingPastTheEndIsInconsistent() {
        MessageReader r = reader(Wire.body().shorts(1).empty(Wire.SHORT));
        assertEquals(1, r.readShort());
        assertFalse(r.hasRemaining());
        AlchemistException e = assertThrows(AlchemistException.class, r::readShort);
        assertInconsistent(e, "expected SHORT as value #2 but found the end of the message");
        e = assertThrows(AlchemistException.class, r::readString);
        assertInconsistent(e, "expected STRING as value #2 but found the end of the message");
        e = assertThrows(AlchemistException.class, r::readMatrixId);
        assertInconsistent(e, "expected SHORT as value #2 but found the end of the message");

        MessageReader d = reader(Wire.body().doubles(1.0));
        e = assertThrows(AlchemistException.class, () -> d.readDoubles(new double[2], 0, 2));
        assertInconsistent(e, "expected DOUBLE as value #2 but found the end of the message");
    }

    /** A reader given a body that the decoder has not checked still refuses a run that overruns it. */
    @Test
    void readerOnAnUncheckedBodyRefusesAnOverrun() {
        MessageReader r = reader(Wire.body().shorts(1).run(Wire.LONG, 3, new byte[8]));
        assertEquals(1, r.readShort());
        MalformedMessageException e = assertThrows(MalformedMessageException.class, r::readLong);
        assertEquals(ErrorCode.INCONSISTENT_DATATYPES, e.code());
        assertTrue(e.getMessage().contains("run of 3 LONG needs 24 bytes but only 8 remain"), e.getMessage());

        MessageReader huge = reader(Wire.body().run(Wire.DOUBLE, 0xFFFFFFFFL, new byte[16]));
        assertThrows(MalformedMessageException.class, () -> huge.readDoubles(new double[2], 0, 2));
        MessageReader string = reader(Wire.body().run(Wire.STRING, 0x80000000L, new byte[3]));
        assertThrows(MalformedMessageException.class, string::readString);
        MessageReader unknown = reader(Wire.body().run(99, 1, new byte[1]));
        assertThrows(MalformedMessageException.class, unknown::hasRemaining);
    }

    @Test
    void unknownCommandCode() {
        assertNull(Command.fromCode(99));
        assertEquals("99 (UNKNOWN)", Command.describe(99));
        assertEquals("16 (MATRIX_INFO)", Command.describe(16));
        assertNull(Command.fromCode(-1));
        assertNull(Command.fromCode(256));
        assertNull(new Header(0, 0, 99, 0).commandOrNull());
    }

    /** A reader over a heap buffer that is never handed to the decoder, so its runs are unchecked. */
    private static MessageReader reader(Wire.Body body) {
        return new MessageReader(Unpooled.wrappedBuffer(body.build()));
    }

    private static void assertInconsistent(AlchemistException e, String detail) {
        assertEquals(ErrorCode.INCONSISTENT_DATATYPES, e.code());
        assertFalse(e instanceof MalformedMessageException, "a type mismatch in a well-formed body is not malformed");
        assertEquals(detail, e.detail());
        assertEquals("error 4 (INCONSISTENT_DATATYPES): " + detail, e.getMessage());
    }

    /** Decodes one frame that must give exactly one FrameError, and checks that all buffers are released. */
    private static FrameError decodeError(byte[] frame) {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        ByteBuf in = Unpooled.wrappedBuffer(frame);
        ch.writeInbound(in);
        FrameError e = assertInstanceOf(FrameError.class, ch.readInbound());
        assertInstanceOf(MalformedMessageException.class, e.error());
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
        assertEquals(0, in.refCnt());
        return e;
    }
}
