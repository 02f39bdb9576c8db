package alchemist.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TracePrinter} against the layout of the seed's traces (/work/shared/seeds): a 25-space indent,
 * labels padded to 21 columns, numbers each followed by a space, strings as they are, and a line holding
 * a single space before the header and between runs. The expected lines are copied from the seed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TracePrinterTest {
    private static final String I = " ".repeat(25);
    private static final String DASHES = I + "-".repeat(46);

    @Test
    void handshakeRequestAsInTheSeed() {
        String expected = lines(
                " ",
                I + "Client ID:           0",
                I + "Session ID:          0",
                I + "Command code:        1 (HANDSHAKE)",
                I + "Message body length: 22",
                DASHES,
                I + "Datatype (length):   BYTE (1)",
                I + "Data:                4 ",
                " ",
                I + "Datatype (length):   SHORT (1)",
                I + "Data:                1234 ",
                " ",
                I + "Datatype (length):   STRING (4)",
                I + "Data:                ABCD");
        assertEquals(expected, print(new TracePrinter(),
                Wire.frame(0, 0, 1, Wire.body().bytes(4).shorts(1234).string("ABCD").build())));
    }

    @Test
    void runTaskAsInTheSeed() {
        String expected = lines(
                " ",
                I + "Client ID:           1",
                I + "Session ID:          0",
                I + "Command code:        14 (RUN_TASK)",
                I + "Message body length: 40",
                DASHES,
                I + "Datatype (length):   STRING (13)",
                I + "Data:                truncated_SVD",
                " ",
                I + "Datatype (length):   SHORT (1)",
                I + "Data:                1 ",
                " ",
                I + "Datatype (length):   INT (1)",
                I + "Data:                20 ",
                " ",
                I + "Datatype (length):   BYTE (1)",
                I + "Data:                0 ");
        assertEquals(expected, print(new TracePrinter(),
                Wire.frame(1, 0, 14, Wire.body().string("truncated_SVD").shorts(1).ints(20).bytes(0).build())));
    }

    /** The seed's LONG (40) line, whole: 40 values are under the default cut. */
    @Test
    void blockRequestBoundsLine() {
        long[] bounds = new long[40];
        for (int i = 0; i < 10; i++) {
            bounds[4 * i] = 2 * i;
            bounds[4 * i + 1] = 2 * i;
        }
        List<String> out = print(new TracePrinter(),
                Wire.frame(1, 1, 19, Wire.body().shorts(3).longs(bounds).build())).lines().toList();
        assertEquals(I + "Command code:        19 (REQUEST_MATRIX_BLOCKS)", out.get(3));
        assertEquals(I + "Message body length: 332", out.get(4));
        assertEquals(I + "Datatype (length):   LONG (40)", out.get(9));
        assertEquals(I + "Data:                0 0 0 0 2 2 0 0 4 4 0 0 6 6 0 0 8 8 0 0 10 10 0 0 12 12 0 0 14 14 0 0 "
                + "16 16 0 0 18 18 0 0 ", out.get(10));
    }

    /** A DOUBLE (502) run cut after maxValues values; the run after it is still printed right. */
    @Test
    void longRunIsCut() {
        double[] row = IntStream.range(0, 502).mapToDouble(i -> 100.0 + i).toArray();
        String out = print(new TracePrinter(5),
                Wire.frame(1, 1, 18, Wire.body().shorts(1).longs(1, 1, 0, 501).doubles(row).shorts(9).build()));
        List<String> lines = out.lines().toList();
        assertEquals(I + "Datatype (length):   DOUBLE (502)", lines.get(12));
        assertEquals(I + "Data:                100.0 101.0 102.0 103.0 104.0 ... (497 more)", lines.get(13));
        assertEquals(List.of(" ", I + "Datatype (length):   SHORT (1)", I + "Data:                9 "),
                lines.subList(14, 17));
        assertEquals(17, lines.size());
        assertEquals(I + "Data:                1 1 0 501 ", lines.get(10), "a run of exactly maxValues is not cut");
    }

    @Test
    void longStringIsCut() {
        String text = "x".repeat(30);
        String out = print(new TracePrinter(2), Wire.frame(1, 1, 4, Wire.body().string(text).build()));
        assertTrue(out.endsWith(I + "Data:                " + "x".repeat(16) + " ... (30 bytes)\n"), out);
    }

    @Test
    void unknownDatatypePrintsMalformedLine() {
        String out = print(new TracePrinter(),
                Wire.frame(1, 1, 99, Wire.body().shorts(7).run(99, 3, new byte[2]).build()));
        List<String> lines = out.lines().toList();
        assertEquals(I + "Command code:        99 (UNKNOWN)", lines.get(3));
        assertEquals(I + "Data:                7 ", lines.get(7));
        assertEquals(I + "Datatype (length):   UNKNOWN(99) (3) - malformed, 2 bytes left", lines.get(9));
        assertEquals(10, lines.size());
    }

    @Test
    void overrunningRunPrintsMalformedLine() {
        String out = print(new TracePrinter(),
                Wire.frame(1, 1, 18, Wire.body().run(Wire.LONG, 0xFFFFFFFFL, new byte[8]).build()));
        assertTrue(out.endsWith(I + "Datatype (length):   LONG (4294967295) - malformed, 8 bytes left\n"), out);
    }

    @Test
    void truncatedRunHeaderAndTruncatedMessage() {
        String out = print(new TracePrinter(), Wire.frame(1, 1, 4, Wire.body().shorts(1).raw(46, 0).build()));
        assertTrue(out.contains(I + "(truncated run header)"), out);
        assertEquals(I + "(truncated header: 5 bytes)\n", print(new TracePrinter(), new byte[5]));
        // A body shorter than its header says: printed as far as it goes.
        byte[] frame = Wire.frame(1, 1, 4, 100, Wire.body().string("ok").build());
        out = print(new TracePrinter(), frame);
        assertTrue(out.contains(I + "Message body length: 100\n"), out);
        assertTrue(out.endsWith(I + "Data:                ok\n"), out);
    }

    @Test
    void formatLeavesTheBufferAlone() {
        ByteBuf buf = Unpooled.wrappedBuffer(Wire.frame(1, 1, 4, Wire.body().string("ok").shorts(1, 2).build()));
        int reader = buf.readerIndex();
        int writer = buf.writerIndex();
        new TracePrinter().format(buf);
        assertEquals(reader, buf.readerIndex());
        assertEquals(writer, buf.writerIndex());
        buf.release();
    }

    private static String print(TracePrinter printer, byte[] frame) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            return printer.format(buf);
        } finally {
            buf.release();
        }
    }

    private static String lines(String... lines) {
        return Arrays.stream(lines).map(l -> l + "\n").collect(Collectors.joining());
    }
}
