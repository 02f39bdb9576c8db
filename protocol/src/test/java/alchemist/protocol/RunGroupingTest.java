package alchemist.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A reader reads values in order whatever their grouping into runs (PROTOCOL.md, "Message"). The
 * REQUEST_WORKERS reply is built by hand with several groupings and must read back the same.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunGroupingTest {
    record Worker(int id, String hostname, String address, int port) {
    }

    record Reply(List<Worker> workers, long token) {
    }

    /** Port 50000 and ID 40000 are above Short.MAX_VALUE: they must come back unsigned. */
    private static final Reply EXPECTED = new Reply(List.of(
            new Worker(1, "KaisMacBookPro.local", "192.168.1.23", 24961),
            new Worker(40000, "nid00042", "10.128.0.7", 50000)), 0xF00DCAFE12345678L);

    static Stream<Arguments> groupings() {
        Reply e = EXPECTED;
        Worker a = e.workers().get(0);
        Worker b = e.workers().get(1);
        // As the seed and MessageWriter group it: SHORT (2) 2 1 · STRING · STRING · SHORT (2) port id · ...
        byte[] seed = Wire.body().shorts(2, a.id()).string(a.hostname()).string(a.address())
                .shorts(a.port(), b.id()).string(b.hostname()).string(b.address())
                .shorts(b.port()).longs(e.token()).build();
        // Every value in a run of its own.
        byte[] single = Wire.body().shorts(2).shorts(a.id()).string(a.hostname()).string(a.address())
                .shorts(a.port()).shorts(b.id()).string(b.hostname()).string(b.address())
                .shorts(b.port()).longs(e.token()).build();
        // Single runs with empty runs of several types before, between and after the values.
        byte[] withEmpty = Wire.body().empty(Wire.SHORT).empty(Wire.LONG).shorts(2).empty(Wire.SHORT)
                .shorts(a.id()).empty(Wire.DOUBLE).string(a.hostname()).empty(Wire.INT).string(a.address())
                .empty(Wire.BYTE).shorts(a.port()).empty(Wire.SHORT).empty(Wire.SHORT).shorts(b.id())
                .string(b.hostname()).empty(Wire.FLOAT).string(b.address()).shorts(b.port())
                .empty(Wire.LONG).longs(e.token()).empty(Wire.SHORT).empty(Wire.MATRIX_ID).build();
        // All SHORTs that are adjacent across workers merged differently: SHORT (1) 2 · SHORT (1) 1 ...
        byte[] mixed = Wire.body().shorts(2).shorts(a.id()).string(a.hostname()).string(a.address())
                .shorts(a.port(), b.id()).string(b.hostname()).string(b.address()).shorts(b.port())
                .empty(Wire.LONG).longs(e.token()).build();
        return Stream.of(Arguments.of("seed grouping", seed), Arguments.of("one value per run", single),
                Arguments.of("with empty runs", withEmpty), Arguments.of("mixed", mixed));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groupings")
    void requestWorkersReplyReadsTheSameWhateverTheGrouping(String name, byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            Runs.validate(buf);
            MessageReader r = new MessageReader(buf);
            assertEquals(EXPECTED, readRequestWorkersReply(r));
            assertFalse(r.hasRemaining(), "values left after the token");
            assertNull(r.peekType());
            assertEquals(0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    /** The writer groups the reply exactly as the seed does. */
    @Test
    void writerGroupsTheReplyAsTheSeed() {
        Worker a = EXPECTED.workers().get(0);
        Worker b = EXPECTED.workers().get(1);
        byte[] seed = Wire.body().shorts(2, a.id()).string(a.hostname()).string(a.address())
                .shorts(a.port(), b.id()).string(b.hostname()).string(b.address())
                .shorts(b.port()).longs(EXPECTED.token()).build();
        ByteBuf buf = Unpooled.buffer();
        try {
            MessageWriter w = MessageWriter.begin(buf, 1, 1, Command.REQUEST_WORKERS).putShort(2);
            for (Worker x : EXPECTED.workers()) {
                w.putShort(x.id()).putString(x.hostname()).putString(x.address()).putShort(x.port());
            }
            w.putLong(EXPECTED.token()).finish();
            assertEquals(ByteBufUtil.hexDump(Wire.frame(1, 1, 6, seed)), ByteBufUtil.hexDump(buf));
        } finally {
            buf.release();
        }
    }

    /** The same SHORT values as {@code SHORT (2) 2 1} and as {@code SHORT (1) 2 · SHORT (1) 1}. */
    @Test
    void remainingInRunFollowsTheGrouping() {
        ByteBuf merged = Unpooled.wrappedBuffer(Wire.body().shorts(2, 1).build());
        ByteBuf split = Unpooled.wrappedBuffer(Wire.body().shorts(2).empty(Wire.INT).shorts(1).build());
        MessageReader m = new MessageReader(merged);
        MessageReader s = new MessageReader(split);
        assertEquals(2, m.remainingInRun());
        assertEquals(1, s.remainingInRun());
        assertEquals(m.readShort(), s.readShort());
        assertEquals(Datatype.SHORT, s.peekType());
        assertEquals(m.readShort(), s.readShort());
        assertEquals(0, m.remainingInRun());
        assertEquals(0, s.remainingInRun());
        merged.release();
        split.release();
    }

    /** skip counts values, not runs or bytes: a STRING value is its whole run, even an empty one. */
    @Test
    void skipCountsValuesWhateverTheGrouping() {
        ByteBuf buf = Unpooled.wrappedBuffer(Wire.body().shorts(2).empty(Wire.SHORT).shorts(1, 24961)
                .string("host").string("").string("10.0.0.1").longs(EXPECTED.token()).build());
        MessageReader r = new MessageReader(buf);
        r.skip(Datatype.SHORT, 2);
        assertEquals(24961, r.readUnsignedShort());
        r.skip(Datatype.STRING, 2);
        assertEquals("10.0.0.1", r.readString());
        AlchemistException e = assertThrows(AlchemistException.class, () -> r.skip(Datatype.INT, 1));
        assertEquals("expected INT as value #7 but found LONG", e.detail(), "skipped values count as read");
        assertEquals(EXPECTED.token(), r.readLong());
        assertFalse(r.hasRemaining());
        buf.release();
    }

    static Reply readRequestWorkersReply(MessageReader r) {
        int count = r.readUnsignedShort();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            workers.add(new Worker(r.readUnsignedShort(), r.readString(), r.readString(), r.readUnsignedShort()));
        }
        return new Reply(workers, r.readLong());
    }
}
