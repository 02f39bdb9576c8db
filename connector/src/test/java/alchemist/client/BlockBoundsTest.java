package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.MessageWriter;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SEND_MATRIX_BLOCKS and REQUEST_MATRIX_BLOCKS with block bounds outside the worker's rows or the matrix's
 * columns, reversed bounds, or values that do not match the bounds: each gets its ERROR, a bad message
 * stores nothing, the data connection stays usable, and another session keeps working.
 *
 * <p>Session A holds workers 1 and 2 and a 10 × 4 matrix: worker 1 has rows 0..4, worker 2 rows 5..9.
 * Every bad message goes to worker 1.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockBoundsTest {
    private static final int ROWS = 10;
    private static final int COLS = 4;
    /** What a bounds error says about worker 1. */
    private static final String OUTSIDE = "outside this worker's rows 0..4 and cols 0..3";

    static Stream<Arguments> badSends() {
        return Stream.of(
                Arguments.of("rows of another worker", ErrorCode.BAD_BLOCK_BOUNDS, OUTSIDE,
                        blocks(b -> block(b, 5, 5, 0, 3))),
                Arguments.of("last row past the worker's rows", ErrorCode.BAD_BLOCK_BOUNDS, OUTSIDE,
                        blocks(b -> block(b, 4, 5, 0, 3))),
                Arguments.of("negative first row", ErrorCode.BAD_BLOCK_BOUNDS, OUTSIDE,
                        blocks(b -> block(b, -1, 0, 0, 3))),
                Arguments.of("rows past the matrix", ErrorCode.BAD_BLOCK_BOUNDS, OUTSIDE,
                        blocks(b -> block(b, 10, 10, 0, 3))),
                Arguments.of("columns past the matrix", ErrorCode.BAD_BLOCK_BOUNDS, OUTSIDE,
                        blocks(b -> block(b, 0, 0, 0, 4))),
                Arguments.of("negative first column", ErrorCode.BAD_BLOCK_BOUNDS, OUTSIDE,
                        blocks(b -> block(b, 0, 0, -1, 2))),
                Arguments.of("first row after last row", ErrorCode.BAD_BLOCK_BOUNDS, OUTSIDE,
                        blocks(b -> block(b, 3, 2, 0, 3))),
                Arguments.of("first column after last column", ErrorCode.BAD_BLOCK_BOUNDS, OUTSIDE,
                        blocks(b -> block(b, 0, 0, 2, 1))),
                Arguments.of("a good block, then one outside", ErrorCode.BAD_BLOCK_BOUNDS, "block rows 9..9",
                        blocks(b -> block(block(b, 0, 1, 0, 3), 9, 9, 0, 3))),
                Arguments.of("fewer values than the bounds hold", ErrorCode.INCONSISTENT_DATATYPES,
                        "block 1 (rows 0..1, cols 0..3) of matrix %d holds 8 values, but fewer follow its bounds",
                        blocks(b -> b.putBounds(0, 1, 0, 3).putDoubles(new double[7], 0, 7))),
                Arguments.of("more values than the bounds hold", ErrorCode.INCONSISTENT_DATATYPES,
                        "block 1 (rows 0..1, cols 0..3) of matrix %d holds 8 values, but more follow its bounds",
                        blocks(b -> b.putBounds(0, 1, 0, 3).putDoubles(new double[9], 0, 9))),
                Arguments.of("a good block, then one short of values", ErrorCode.INCONSISTENT_DATATYPES,
                        "block 2 (rows 2..2, cols 0..3) of matrix %d holds 4 values, but fewer follow its bounds",
                        blocks(b -> block(b, 0, 1, 0, 3).putBounds(2, 2, 0, 3).putDouble(-1))),
                Arguments.of("bounds cut short", ErrorCode.INCONSISTENT_DATATYPES, "expected LONG",
                        blocks(b -> b.putLong(0).putLong(0).putLong(0))));
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("rows of another worker", ErrorCode.BAD_BLOCK_BOUNDS, blocks(b -> b.putBounds(5, 5, 0, 3))),
                Arguments.of("negative first row", ErrorCode.BAD_BLOCK_BOUNDS, blocks(b -> b.putBounds(-1, 0, 0, 3))),
                Arguments.of("columns past the matrix", ErrorCode.BAD_BLOCK_BOUNDS, blocks(b -> b.putBounds(0, 4, 1, 4))),
                Arguments.of("negative first column", ErrorCode.BAD_BLOCK_BOUNDS, blocks(b -> b.putBounds(0, 4, -1, 3))),
                Arguments.of("first row after last row", ErrorCode.BAD_BLOCK_BOUNDS, blocks(b -> b.putBounds(4, 0, 0, 3))),
                Arguments.of("first column after last column", ErrorCode.BAD_BLOCK_BOUNDS, blocks(b -> b.putBounds(0, 4, 3, 0))),
                Arguments.of("a good block, then one outside", ErrorCode.BAD_BLOCK_BOUNDS,
                        blocks(b -> b.putBounds(0, 4, 0, 3).putBounds(0, 9, 0, 3))),
                Arguments.of("bounds cut short", ErrorCode.INCONSISTENT_DATATYPES,
                        blocks(b -> b.putLong(0).putLong(4).putLong(0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSends")
    void badBlockSentIsRefusedAndStoresNothing(String what, ErrorCode code, String says, Consumer<MessageWriter> blocks) {
        try (Fixture f = new Fixture()) {
            AlchemistException e = assertError(code, () -> f.send(f.top, blocks));
            String said = says.formatted(f.matrixId);
            assertTrue(e.detail().contains(said), () -> "the error should say '" + said + "': " + e.detail());
            f.assertMatrixUnchanged(); // also shows the data connection still serves
            Checks.assertRoundTrip(f.b, 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badBlockRequestedIsRefused(String what, ErrorCode code, Consumer<MessageWriter> blocks) {
        try (Fixture f = new Fixture()) {
            AlchemistException e = assertError(code,
                    () -> f.top.call(Command.REQUEST_MATRIX_BLOCKS, w -> blocks.accept(w.putMatrixId(f.matrixId)), r -> null));
            assertFalse(e.detail().isBlank());
            f.assertMatrixUnchanged();
            Checks.assertRoundTrip(f.b, 2);
        }
    }

    @Test
    void goodBlocksAreStoredAndCounted() {
        try (Fixture f = new Fixture()) {
            assertEquals(2, f.send(f.top, b -> block(block(b, 0, 0, 1, 2), 4, 4, 3, 3)));
            f.expected[0 * COLS + 1] = BLOCK_VALUE;
            f.expected[0 * COLS + 2] = BLOCK_VALUE;
            f.expected[4 * COLS + 3] = BLOCK_VALUE;
            f.assertMatrixUnchanged();
        }
    }

    private static final double BLOCK_VALUE = 7777.0;

    private static Consumer<MessageWriter> blocks(Consumer<MessageWriter> c) {
        return c;
    }

    /** Writes inclusive bounds and as many values (all {@link #BLOCK_VALUE}) as they hold. */
    private static MessageWriter block(MessageWriter w, long r0, long r1, long c0, long c1) {
        w.putBounds(r0, r1, c0, c1);
        long n = Math.max(0, r1 - r0 + 1) * Math.max(0, c1 - c0 + 1);
        for (long i = 0; i < n; i++) {
            w.putDouble(BLOCK_VALUE);
        }
        return w;
    }

    /** A server of 4 workers; session A (raw) holds workers 1 and 2 and a filled matrix; session B holds 3 and 4. */
    private static final class Fixture implements AutoCloseable {
        final TestServer server = TestServers.start(4);
        final double[] expected = new double[ROWS * COLS];
        RawSession a;
        AlchemistSession b;
        ClientConnection top;
        ClientConnection bottom;
        int matrixId;

        Fixture() {
            try {
                a = RawSession.open(server);
                a.requestWorkers(2);
                b = new AlchemistSession();
                b.connect(server.host(), server.port());
                b.requestWorkers(2);
                MatrixLayout layout = a.driver().call(Command.MATRIX_INFO,
                        w -> w.putByte(0).putByte(0).putLong(ROWS).putLong(COLS), MatrixLayout::read);
                matrixId = layout.matrixId();
                assertEquals(5, layout.rowEnd(0));
                top = a.connectWorker(a.workers().get(0));
                bottom = a.connectWorker(a.workers().get(1));
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = i + 0.25;
                }
                assertEquals(1, send(top, w -> w.putBounds(0, 4, 0, COLS - 1).putDoubles(expected, 0, 5 * COLS)));
                assertEquals(1, send(bottom, w -> w.putBounds(5, 9, 0, COLS - 1).putDoubles(expected, 5 * COLS, 5 * COLS)));
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        /** @return the number of blocks the worker says it stored */
        int send(ClientConnection c, Consumer<MessageWriter> blocks) {
            return c.call(Command.SEND_MATRIX_BLOCKS, w -> blocks.accept(w.putMatrixId(matrixId)), r -> {
                assertEquals(matrixId, r.readMatrixId());
                return r.readInt();
            });
        }

        double[] fetch(ClientConnection c, long r0, long r1) {
            return c.call(Command.REQUEST_MATRIX_BLOCKS, w -> w.putMatrixId(matrixId).putBounds(r0, r1, 0, COLS - 1), r -> {
                assertEquals(matrixId, r.readMatrixId());
                assertArrayEquals(new long[] {r0, r1, 0, COLS - 1},
                        new long[] {r.readLong(), r.readLong(), r.readLong(), r.readLong()});
                double[] out = new double[(int) (r1 - r0 + 1) * COLS];
                r.readDoubles(out, 0, out.length);
                return out;
            });
        }

        void assertMatrixUnchanged() {
            assertArrayEquals(Arrays.copyOfRange(expected, 0, 5 * COLS), fetch(top, 0, 4));
            assertArrayEquals(Arrays.copyOfRange(expected, 5 * COLS, 10 * COLS), fetch(bottom, 5, 9));
        }

        @Override
        public void close() {
            for (AutoCloseable c : new AutoCloseable[] {top, bottom, a, b}) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            server.close();
        }
    }
}
