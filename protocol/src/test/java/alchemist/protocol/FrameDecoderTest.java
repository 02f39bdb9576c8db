package alchemist.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Framing by {@link MessageFrameDecoder}: partial frames wait, complete ones come out, an oversized body
 * is refused as soon as its header arrives, and nothing is emitted after a {@link FrameError}.
 * Every buffer written in is checked to be released at the end.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FrameDecoderTest {
    private final List<ByteBuf> fed = new ArrayList<>();
    private EmbeddedChannel ch;

    @AfterEach
    void everythingReleased() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
        for (ByteBuf b : fed) {
            assertEquals(0, b.refCnt(), "an input buffer still referenced");
        }
    }

    @Test
    void bodyOverTheLimitIsRefusedAsSoonAsTheHeaderArrives() {
        ch = new EmbeddedChannel(new MessageFrameDecoder(1000));
        byte[] frame = Wire.frame(7, 8, 18, new byte[1001]);
        feed(Arrays.copyOfRange(frame, 0, 6));
        assertNull(ch.readInbound(), "emitted before the length was complete");
        feed(Arrays.copyOfRange(frame, 6, 9));
        FrameError error = assertInstanceOf(FrameError.class, ch.readInbound());
        assertEquals(new Header(7, 8, 18, 1001), error.header());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, error.error().code());
        assertTrue(error.error().getMessage().contains("1001"), error.error().getMessage());
        assertTrue(error.error().getMessage().contains("1000"), error.error().getMessage());

        // The body and a following well-formed message are discarded.
        feed(Arrays.copyOfRange(frame, 9, frame.length));
        feed(Wire.frame(1, 1, 4, Wire.body().string("after").build()));
        assertNull(ch.readInbound(), "something was emitted after the FrameError");
    }

    @Test
    void bodyLengthIsUnsigned() {
        ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        feed(Wire.frame(1, 2, 19, 0xFFFFFFFFL, new byte[0]));
        FrameError error = assertInstanceOf(FrameError.class, ch.readInbound());
        assertEquals(0xFFFFFFFFL, error.header().bodyLength());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, error.error().code());
        assertTrue(error.error().getMessage().contains("4294967295"), error.error().getMessage());
    }

    @Test
    void bodyAtTheLimitIsAccepted() {
        ch = new EmbeddedChannel(new MessageFrameDecoder(12));
        byte[] body = Wire.body().bytes(1, 2, 3, 4, 5, 6, 7).build();
        assertEquals(12, body.length);
        feed(Wire.frame(1, 1, 4, body));
        Message m = assertInstanceOf(Message.class, ch.readInbound());
        assertEquals(12, m.body().readableBytes());
        m.release();
    }

    @Test
    void partialFrameWaitsForTheRest() {
        ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        byte[] frame = Wire.frame(3, 4, 16, Wire.body().bytes(0, 0).longs(426, 502).build());
        for (int cut : new int[] {1, 4, 5, 9, 20, frame.length - 1}) {
            feed(Arrays.copyOfRange(frame, 0, cut));
            assertNull(ch.readInbound(), "emitted a message from " + cut + " of " + frame.length + " bytes");
            ch.finishAndReleaseAll();
            ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        }
        feed(Arrays.copyOfRange(frame, 0, 20));
        feed(Arrays.copyOfRange(frame, 20, frame.length));
        Message m = assertInstanceOf(Message.class, ch.readInbound());
        assertEquals(new Header(3, 4, 16, 28), m.header());
        m.release();
    }

    @Test
    void emptyBodyIsAMessage() {
        ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        feed(Wire.concat(Wire.frame(1, 1, 2, new byte[0]), Wire.frame(1, 1, 5, new byte[0])));
        Message a = assertInstanceOf(Message.class, ch.readInbound());
        Message b = assertInstanceOf(Message.class, ch.readInbound());
        assertEquals(Command.REQUEST_ID, a.command());
        assertEquals(Command.REQUEST_TEST_STRING, b.command());
        assertFalse(a.reader().hasRemaining());
        assertEquals(0, b.body().readableBytes());
        a.release();
        b.release();
        assertNull(ch.readInbound());
    }

    /** Command codes are the handler's business: the decoder frames a message whatever its code. */
    @Test
    void unknownCommandIsFramed() {
        ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        feed(Wire.frame(1, 1, 99, Wire.body().shorts(1).build()));
        Message m = assertInstanceOf(Message.class, ch.readInbound());
        assertEquals(99, m.header().command());
        assertNull(m.command());
        m.release();
    }

    @Test
    void malformedBodyDiscardsEverythingAfterIt() {
        ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        byte[] good = Wire.frame(1, 1, 4, Wire.body().string("ok").build());
        byte[] bad = Wire.frame(1, 1, 4, Wire.body().run(99, 1, new byte[1]).build());
        feed(Wire.concat(good, bad, good));
        feed(good);
        Message first = assertInstanceOf(Message.class, ch.readInbound());
        assertEquals("ok", first.reader().readString());
        first.release();
        assertInstanceOf(FrameError.class, ch.readInbound());
        assertNull(ch.readInbound(), "something was emitted after the FrameError");
    }

    @Test
    void limitMustLeaveRoomForTheHeaderInAnInt() {
        assertThrows(IllegalArgumentException.class, () -> new MessageFrameDecoder(-1));
        assertThrows(IllegalArgumentException.class, () -> new MessageFrameDecoder(Integer.MAX_VALUE - 8L));
        new MessageFrameDecoder(0);
        new MessageFrameDecoder(Integer.MAX_VALUE - 9L);
    }

    private void feed(byte[] bytes) {
        ByteBuf b = Unpooled.wrappedBuffer(bytes);
        fed.add(b);
        ch.writeInbound(b);
    }
}
