package alchemist.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed's traces (PROTOCOL.md, "Seed traces"), byte for byte: each message is written with
 * {@link MessageWriter} and compared with the frame built by hand in {@link Wire}. The body lengths
 * the seed prints are checked against the hand-built bodies first, so the hand encoder is itself
 * pinned to the seed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SeedTraceTest {
    private static final String TEST_TEXT = "This is a test message from client 1";
    private static final String TEST_REPLY = "Alchemist worker received: 'This is a test message from client 1'";
    private static final String LIB_PATH = "/Users/kai/Projects/AlLib/target/allib.dylib";

    @Test
    void handshakeRequest() {
        byte[] body = Wire.body().bytes(4).shorts(1234).string("ABCD").build();
        assertSeed(0, 0, 1, 22, body, b -> MessageWriter.begin(b, 0, 0, Command.HANDSHAKE)
                .putByte(Handshake.LANGUAGE_PYTHON).putShort(Handshake.CLIENT_NUMBER)
                .putString(Handshake.CLIENT_TEXT).finish());
    }

    @Test
    void handshakeReply() {
        byte[] body = Wire.body().shorts(4321).string("DCBA").build();
        assertSeed(1, 0, 1, 16, body, b -> MessageWriter.begin(b, 1, 0, Command.HANDSHAKE)
                .putShort(Handshake.SERVER_NUMBER).putString(Handshake.SERVER_TEXT).finish());
    }

    @Test
    void matrixInfo() {
        byte[] body = Wire.body().bytes(0, 0).longs(426, 502).build();
        assertSeed(1, 0, 16, 28, body, b -> MessageWriter.begin(b, 1, 0, Command.MATRIX_INFO)
                .putByte(0).putByte(0).putLong(426).putLong(502).finish());
    }

    @Test
    void requestMatrixBlocks() {
        long[] bounds = new long[40];
        for (int i = 0; i < 10; i++) {
            bounds[4 * i] = 2 * i;
            bounds[4 * i + 1] = 2 * i;
        }
        byte[] body = Wire.body().shorts(3).longs(bounds).build();
        assertSeed(1, 1, 19, 332, body, b -> {
            MessageWriter w = MessageWriter.begin(b, 1, 1, Command.REQUEST_MATRIX_BLOCKS).putMatrixId(3);
            for (int i = 0; i < 10; i++) {
                w.putBounds(2 * i, 2 * i, 0, 0);
            }
            w.finish();
        });
    }

    /**
     * The seed's SEND_MATRIX_BLOCKS layout, {@code SHORT (1) 1 · LONG (4) 1 1 0 501 · DOUBLE (502) …}, with
     * the row's first values as the seed prints them; the doubles go through putDouble and putDoubles and
     * must land in one big-endian DOUBLE run.
     */
    @Test
    void sendMatrixBlocksRow() {
        double[] row = new double[502];
        double[] seedValues = {139.0, 178.0, 248.0, 240.0, 236.0, 281.0, 261.0, 272.0, 289.0, 248.0, 286.0, 327.0,
            345.0, 306.0, 337.0, 297.0, 296.0, 298.0, 268.0, 316.0, 281.0, 280.0, 300.0, 313.0, 287.0};
        System.arraycopy(seedValues, 0, row, 0, seedValues.length);
        for (int i = seedValues.length; i < row.length; i++) {
            row[i] = -0.5 * i;
        }
        byte[] body = Wire.body().shorts(1).longs(1, 1, 0, 501).doubles(row).build();
        assertSeed(1, 1, 18, 7 + 37 + 5 + 8 * 502, body, b -> MessageWriter.begin(b, 1, 1, Command.SEND_MATRIX_BLOCKS)
                .putMatrixId(1).putBounds(1, 1, 0, 501).putDouble(row[0]).putDoubles(row, 1, 300)
                .putDoubles(row, 301, 201).finish());
    }

    @Test
    void loadLibrary() {
        byte[] body = Wire.body().string("TestLib").string(LIB_PATH).build();
        assertSeed(1, 0, 13, 61, body, b -> MessageWriter.begin(b, 1, 0, Command.LOAD_LIBRARY)
                .putString("TestLib").putString(LIB_PATH).finish());
    }

    @Test
    void runTask() {
        byte[] body = Wire.body().string("truncated_SVD").shorts(1).ints(20).bytes(0).build();
        assertSeed(1, 0, 14, 40, body, b -> MessageWriter.begin(b, 1, 0, Command.RUN_TASK)
                .putString("truncated_SVD").putMatrixId(1).putInt(20).putByte(0).finish());
    }

    @Test
    void testStringAndReply() {
        byte[] request = Wire.body().string(TEST_TEXT).build();
        assertSeed(1, 1, 4, 41, request, b -> MessageWriter.begin(b, 1, 1, Command.SEND_TEST_STRING)
                .putString(TEST_TEXT).finish());
        byte[] reply = Wire.body().string(TEST_REPLY).build();
        assertSeed(1, 1, 4, 70, reply, b -> MessageWriter.begin(b, 1, 1, Command.SEND_TEST_STRING)
                .putString(TEST_REPLY).finish());
    }

    /** The same frames, concatenated, come back out of the frame decoder with the seed's values. */
    @Test
    void seedFramesDecode() {
        byte[] stream = Wire.concat(
                Wire.frame(0, 0, 1, Wire.body().bytes(4).shorts(1234).string("ABCD").build()),
                Wire.frame(1, 0, 16, Wire.body().bytes(0, 0).longs(426, 502).build()),
                Wire.frame(1, 0, 14, Wire.body().string("truncated_SVD").shorts(1).ints(20).bytes(0).build()));
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        ch.writeInbound(Unpooled.wrappedBuffer(stream));

        Message hs = assertInstanceOf(Message.class, ch.readInbound());
        assertEquals(new Header(0, 0, 1, 22), hs.header());
        assertEquals(Command.HANDSHAKE, hs.command());
        MessageReader r = hs.reader();
        assertEquals(4, r.readByte());
        assertEquals(1234, r.readShort());
        assertEquals("ABCD", r.readString());
        assertFalse(r.hasRemaining());
        hs.release();

        Message info = assertInstanceOf(Message.class, ch.readInbound());
        assertEquals(new Header(1, 0, 16, 28), info.header());
        r = info.reader();
        assertEquals(0, r.readByte());
        assertEquals(0, r.readByte());
        assertEquals(426, r.readLong());
        assertEquals(502, r.readLong());
        assertFalse(r.hasRemaining());
        info.release();

        Message task = assertInstanceOf(Message.class, ch.readInbound());
        assertEquals(new Header(1, 0, 14, 40), task.header());
        r = task.reader();
        assertEquals("truncated_SVD", r.readString());
        assertEquals(1, r.readMatrixId());
        assertEquals(20, r.readInt());
        assertEquals(0, r.readByte());
        assertFalse(r.hasRemaining());
        task.release();

        assertNull(ch.readInbound());
        assertFalse(ch.finish());
        assertEquals(0, hs.body().refCnt());
        assertEquals(0, task.body().refCnt());
    }

    /**
     * Checks the hand-built body against the seed's body length, then compares the writer's frame, written
     * after some unrelated bytes so that a writer assuming index 0 fails, with the hand-built frame.
     */
    private static void assertSeed(int client, int session, int command, int seedBodyLength, byte[] body,
            Consumer<ByteBuf> write) {
        assertEquals(seedBodyLength, body.length, "hand-built body disagrees with the seed's length");
        byte[] expected = Wire.frame(client, session, command, body);
        ByteBuf buf = Unpooled.buffer(4);
        try {
            buf.writeBytes(new byte[] {(byte) 0xEE, (byte) 0xEE, (byte) 0xEE});
            write.accept(buf);
            buf.skipBytes(3);
            assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }
}
