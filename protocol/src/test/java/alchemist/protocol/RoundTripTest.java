package alchemist.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random messages through {@link MessageWriter}, {@link MessageFrameDecoder} (fed in random slices) and
 * {@link MessageReader}: the values come back equal, the body lengths are right and every buffer is
 * released (STYLE.md, "Buffers"). Seeded, so a failure names the seed that reproduces it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RoundTripTest {
    enum Kind { BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, STRING, DOUBLES }

    record Value(Kind kind, Object value) {
    }

    record Msg(int client, int session, Command command, List<Value> values) {
    }

    /** How the stream is cut into the buffers written to the channel. */
    enum Feed { WHOLE, ONE_BYTE, RANDOM_SLICES, CUT_IN_HEADERS }

    /** Where the writer writes: heap or direct, pooled or not; all start small so that they must grow. */
    enum WriteBuffer {
        HEAP(() -> Unpooled.buffer(16)),
        DIRECT(() -> Unpooled.directBuffer(16)),
        POOLED_DIRECT(() -> PooledByteBufAllocator.DEFAULT.directBuffer(16)),
        DEFAULT_ALLOCATOR(() -> ByteBufAllocator.DEFAULT.buffer(16));

        final Supplier<ByteBuf> make;

        WriteBuffer(Supplier<ByteBuf> make) {
            this.make = make;
        }
    }

    private static final double[] SPECIAL_DOUBLES = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, -1.5, 426.0};
    private static final String[] SPECIAL_STRINGS = {"", "ABCD", "é", "Grüße, 日本語", "😀 emoji", "nul\u0000inside",
        "Alchemist worker received: 'This is a test message from client 1'"};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        long seed = 20181105L;
        for (Feed feed : Feed.values()) {
            for (WriteBuffer wb : WriteBuffer.values()) {
                out.add(Arguments.of(seed++, feed, wb));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0}, {1}, {2}")
    @MethodSource("cases")
    void randomMessagesRoundTrip(long seed, Feed feed, WriteBuffer wb) {
        Random rnd = new Random(seed);
        List<Msg> msgs = new ArrayList<>();
        int n = 1 + rnd.nextInt(40);
        for (int i = 0; i < n; i++) {
            msgs.add(randomMessage(rnd));
        }

        ByteBuf out = wb.make.get();
        List<Integer> starts = new ArrayList<>();
        for (Msg m : msgs) {
            starts.add(out.writerIndex());
            write(out, m);
        }
        byte[] stream = ByteBufUtil.getBytes(out);
        assertTrue(out.release(), "the writer kept a reference to the caller's buffer");

        List<ByteBuf> fed = new ArrayList<>();
        List<Message> received = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        for (byte[] piece : slice(stream, starts, feed, rnd)) {
            ByteBuf b = rnd.nextBoolean() ? Unpooled.wrappedBuffer(piece)
                    : Unpooled.directBuffer(piece.length).writeBytes(piece);
            fed.add(b);
            ch.writeInbound(b);
            for (Object o; (o = ch.readInbound()) != null; ) {
                received.add(assertInstanceOf(Message.class, o, "the decoder emitted something other than a Message"));
            }
        }
        assertEquals(msgs.size(), received.size(), "messages framed");

        for (int i = 0; i < msgs.size(); i++) {
            Msg m = msgs.get(i);
            Message got = received.get(i);
            String where = "seed " + seed + ", message " + i;
            long length = expectedBodyLength(m.values());
            assertEquals(new Header(m.client(), m.session(), m.command().code(), length), got.header(), where);
            assertEquals(m.command(), got.command(), where);
            assertEquals(length, got.body().readableBytes(), where);
            MessageReader r = got.reader();
            for (int j = 0; j < m.values().size(); j++) {
                assertRead(m.values().get(j), r, where + ", value " + j);
            }
            assertFalse(r.hasRemaining(), where + ": values left over");
            got.release();
        }
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
        for (Message got : received) {
            assertEquals(0, got.body().refCnt(), "a message body still referenced");
        }
        for (ByteBuf b : fed) {
            assertEquals(0, b.refCnt(), "an input buffer still referenced");
        }
    }

    /** DOUBLE (3) · DOUBLE (2) read by one readDoubles of 5. */
    @Test
    void readDoublesSpansTwoDoubleRuns() {
        byte[] body = Wire.body().doubles(1.0, 2.0, 3.0).doubles(4.0, 5.0).build();
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        double[] got = new double[7];
        new MessageReader(buf).readDoubles(got, 1, 5);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 0}, got);
        assertEquals(0, buf.readableBytes());
        buf.release();
    }

    /** Doubles cut into random runs, with empty runs among them, read back in random pieces. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void readDoublesAcrossRandomRuns(long seed) {
        Random rnd = new Random(seed);
        double[] values = new double[1 + rnd.nextInt(2000)];
        for (int i = 0; i < values.length; i++) {
            values[i] = randomDouble(rnd);
        }
        Wire.Body body = Wire.body();
        for (int at = 0; at < values.length; ) {
            if (rnd.nextInt(4) == 0) {
                body.empty(rnd.nextBoolean() ? Wire.DOUBLE : Wire.SHORT);
            }
            int len = Math.min(values.length - at, 1 + rnd.nextInt(300));
            body.doubles(Arrays.copyOfRange(values, at, at + len));
            at += len;
        }
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH));
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.frame(1, 1, 18, body.build())));
        Message m = assertInstanceOf(Message.class, ch.readInbound());
        MessageReader r = m.reader();
        double[] got = new double[values.length];
        for (int at = 0; at < values.length; ) {
            if (rnd.nextInt(5) == 0) {
                got[at++] = r.readDouble();
            } else {
                int len = Math.min(values.length - at, rnd.nextInt(400));
                r.readDoubles(got, at, len);
                at += len;
            }
        }
        assertFalse(r.hasRemaining());
        assertArrayEquals(bits(values), bits(got), "seed " + seed);
        m.release();
        assertFalse(ch.finish());
        assertEquals(0, m.body().refCnt());
    }

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L, 42L, 4321L);
    }

    private static Msg randomMessage(Random rnd) {
        Command[] commands = Command.values();
        List<Value> values = new ArrayList<>();
        int count = rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(30);
        Kind previous = null;
        for (int i = 0; i < count; i++) {
            // Repeat the previous kind often, so that runs of several values form.
            Kind k = previous != null && rnd.nextBoolean() ? previous : Kind.values()[rnd.nextInt(Kind.values().length)];
            values.add(randomValue(k, rnd));
            previous = k;
        }
        return new Msg(rnd.nextInt(65536), rnd.nextInt(65536), commands[rnd.nextInt(commands.length)], values);
    }

    private static Value randomValue(Kind k, Random rnd) {
        return new Value(k, switch (k) {
            case BYTE -> (byte) rnd.nextInt();
            case SHORT -> (short) rnd.nextInt();
            case INT -> rnd.nextInt();
            case LONG -> rnd.nextLong();
            case FLOAT -> rnd.nextInt(8) == 0 ? Float.NaN : Float.intBitsToFloat(rnd.nextInt());
            case DOUBLE -> randomDouble(rnd);
            case STRING -> randomString(rnd);
            case DOUBLES -> {
                double[] a = new double[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(300)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = randomDouble(rnd);
                }
                yield a;
            }
        });
    }

    private static double randomDouble(Random rnd) {
        return rnd.nextInt(10) == 0 ? SPECIAL_DOUBLES[rnd.nextInt(SPECIAL_DOUBLES.length)]
                : Double.longBitsToDouble(rnd.nextLong());
    }

    /** ASCII, 2-, 3- and 4-byte UTF-8 code points; never a lone surrogate, which UTF-8 cannot carry. */
    private static String randomString(Random rnd) {
        if (rnd.nextInt(3) == 0) {
            return SPECIAL_STRINGS[rnd.nextInt(SPECIAL_STRINGS.length)];
        }
        StringBuilder s = new StringBuilder();
        int len = rnd.nextInt(40);
        for (int i = 0; i < len; i++) {
            int cp = switch (rnd.nextInt(4)) {
                case 0 -> 0x20 + rnd.nextInt(0x5F);
                case 1 -> 0x80 + rnd.nextInt(0x780);
                case 2 -> 0xE000 + rnd.nextInt(0x1FFE);
                default -> 0x10000 + rnd.nextInt(0x100000);
            };
            s.appendCodePoint(cp);
        }
        return s.toString();
    }

    private static void write(ByteBuf out, Msg m) {
        MessageWriter w = MessageWriter.begin(out, m.client(), m.session(), m.command());
        for (Value v : m.values()) {
            switch (v.kind()) {
                case BYTE -> w.putByte((Byte) v.value());
                case SHORT -> w.putShort((Short) v.value());
                case INT -> w.putInt((Integer) v.value());
                case LONG -> w.putLong((Long) v.value());
                case FLOAT -> w.putFloat((Float) v.value());
                case DOUBLE -> w.putDouble((Double) v.value());
                case STRING -> w.putString((String) v.value());
                case DOUBLES -> {
                    // Surrounded by other values, to check that only [offset, offset + length) is written.
                    double[] a = (double[]) v.value();
                    double[] padded = new double[a.length + 5];
                    Arrays.fill(padded, -99.0);
                    System.arraycopy(a, 0, padded, 2, a.length);
                    w.putDoubles(padded, 2, a.length);
                }
            }
        }
        w.finish();
    }

    private static void assertRead(Value v, MessageReader r, String where) {
        switch (v.kind()) {
            case BYTE -> assertEquals((byte) v.value(), r.readByte(), where);
            case SHORT -> assertEquals((short) v.value(), r.readShort(), where);
            case INT -> assertEquals((int) v.value(), r.readInt(), where);
            case LONG -> assertEquals((long) v.value(), r.readLong(), where);
            case FLOAT -> assertEquals(Float.floatToIntBits((float) v.value()), Float.floatToIntBits(r.readFloat()), where);
            case DOUBLE -> assertEquals(Double.doubleToLongBits((double) v.value()),
                    Double.doubleToLongBits(r.readDouble()), where);
            case STRING -> assertEquals(v.value(), r.readString(), where);
            case DOUBLES -> {
                double[] a = (double[]) v.value();
                double[] got = new double[a.length + 3];
                Arrays.fill(got, 7.0);
                r.readDoubles(got, 1, a.length);
                assertEquals(7.0, got[0], where + ": wrote before the offset");
                assertEquals(7.0, got[a.length + 1], where + ": wrote past the length");
                assertArrayEquals(bits(a), bits(Arrays.copyOfRange(got, 1, a.length + 1)), where);
            }
        }
    }

    /**
     * The body length from PROTOCOL.md's grouping rule, computed without the writer: consecutive values
     * of one type share a run (5-byte header), a string is a run of its own. A zero-length putDoubles
     * opens a DOUBLE run like any other put (the writer writes {@code DOUBLE (0)} then).
     */
    private static long expectedBodyLength(List<Value> values) {
        long n = 0;
        int run = -1;
        for (Value v : values) {
            if (v.kind() == Kind.STRING) {
                n += 5 + ((String) v.value()).getBytes(StandardCharsets.UTF_8).length;
                run = -1;
                continue;
            }
            Kind type = v.kind() == Kind.DOUBLES ? Kind.DOUBLE : v.kind();
            if (type.ordinal() != run) {
                n += 5;
                run = type.ordinal();
            }
            n += switch (v.kind()) {
                case BYTE -> 1;
                case SHORT -> 2;
                case INT, FLOAT -> 4;
                case LONG, DOUBLE -> 8;
                case DOUBLES -> 8L * ((double[]) v.value()).length;
                case STRING -> throw new AssertionError();
            };
        }
        return n;
    }

    /** Cuts the stream; every strategy ends with all bytes fed, in order. */
    private static List<byte[]> slice(byte[] stream, List<Integer> starts, Feed feed, Random rnd) {
        TreeSet<Integer> cuts = new TreeSet<>();
        switch (feed) {
            case WHOLE -> { }
            case ONE_BYTE -> {
                for (int i = 1; i < stream.length; i++) {
                    cuts.add(i);
                }
            }
            case RANDOM_SLICES -> {
                for (int at = rnd.nextInt(64) + 1; at < stream.length; at += rnd.nextInt(64) + 1) {
                    cuts.add(at);
                }
            }
            case CUT_IN_HEADERS -> {
                for (int s : starts) {
                    cuts.add(s + 1 + rnd.nextInt(8));      // inside the 9-byte header
                    cuts.add(s + 6 + rnd.nextInt(3));      // inside the u32 body length
                    cuts.add(s + 10 + rnd.nextInt(4));     // inside the first run header, if any
                }
                cuts.removeIf(c -> c <= 0 || c >= stream.length);
            }
        }
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int c : cuts) {
            pieces.add(Arrays.copyOfRange(stream, from, c));
            from = c;
        }
        pieces.add(Arrays.copyOfRange(stream, from, stream.length));
        return pieces;
    }

    private static long[] bits(double[] a) {
        return Arrays.stream(a).mapToLong(Double::doubleToLongBits).toArray();
    }
}
