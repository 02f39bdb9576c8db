package alchemist.server.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.Header;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** A worker's matrix store: memory accounting against the limit, sessions, and rows kept in several slabs. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MatrixStoreTest {
    private static final long KIB = 1024;

    @Test
    void createReservesAndFreeReturnsTheMatrixBytes() {
        MatrixStore store = new MatrixStore(1, 64 * KIB);
        store.create(1, 7, 1L << 40, 0, 100, 10);  // 8000 bytes
        store.create(2, 7, 1L << 40, 100, 3, 100); // 2400 bytes
        assertEquals(10_400, store.usedBytes());
        assertEquals(2, store.size());
        store.free(1);
        assertEquals(2400, store.usedBytes());
        store.free(1); // freeing twice changes nothing
        assertEquals(2400, store.usedBytes());
        store.free(2);
        assertEquals(0, store.usedBytes());
        assertEquals(0, store.size());
    }

    @Test
    void matrixOverTheLimitIsRefusedAndReservesNothing() {
        MatrixStore store = new MatrixStore(3, 8 * KIB);
        store.create(1, 7, 1L << 40, 0, 64, 8); // 4 KiB
        AlchemistException e = assertCode(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, () -> store.create(2, 7, 1L << 40, 0, 65, 8));
        assertTrue(e.detail().contains("needs 4160 bytes") && e.detail().contains("only 4096 bytes"), e.detail());
        assertTrue(e.detail().contains("worker 3"), e.detail());
        assertEquals(4 * KIB, store.usedBytes());
        assertEquals(1, store.size());
        store.create(3, 7, 1L << 40, 0, 64, 8); // exactly the rest fits
        assertEquals(8 * KIB, store.usedBytes());
    }

    @Test
    void sharesTooLargeToIndexOrToCountInALongAreRefused() {
        MatrixStore store = new MatrixStore(1, Long.MAX_VALUE);
        assertCode(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, () -> store.create(1, 7, 1L << 40, 0, 1L << 31, 1));
        assertCode(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, () -> store.create(2, 7, 1L << 40, 0, 1, 1L << 31));
        // (2^31 - 1) x (2^30 + 1) doubles: 2^64 + 2^33 - 8 bytes, which a long multiplication wraps to 8 GiB.
        assertCode(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, () -> store.create(3, 7, 1L << 40, 0, Integer.MAX_VALUE, (1L << 30) + 1));
        assertEquals(0, store.usedBytes());
        assertEquals(0, store.size());
    }

    @Test
    void emptyShareIsHeldAndCostsNothing() {
        MatrixStore store = new MatrixStore(1, KIB);
        LocalRows rows = store.create(1, 7, 1L << 40, 10, 0, 1000);
        assertEquals(0, rows.localRows());
        assertEquals(0, store.usedBytes());
        assertSame(rows, store.get(1, 7));
        assertCode(ErrorCode.BAD_BLOCK_BOUNDS, () -> rows.checkBlock(10, 10, 0, 0));
    }

    @Test
    void matricesAreFoundOnlyByTheirOwnSession() {
        MatrixStore store = new MatrixStore(1, 64 * KIB);
        LocalRows mine = store.create(1, 7, 1L << 40, 0, 10, 10);
        assertSame(mine, store.get(1, 7));
        assertCode(ErrorCode.UNKNOWN_MATRIX, () -> store.get(1, 8));
        assertCode(ErrorCode.UNKNOWN_MATRIX, () -> store.get(2, 7));
    }

    @Test
    void existingIdIsRefusedWithoutChangingTheAccounts() {
        MatrixStore store = new MatrixStore(1, 64 * KIB);
        store.create(1, 7, 1L << 40, 0, 10, 10);
        assertCode(ErrorCode.INTERNAL_ERROR, () -> store.create(1, 8, 1L << 40, 0, 10, 10));
        assertEquals(800, store.usedBytes());
        assertEquals(7, store.get(1, 7).sessionId());
    }

    @Test
    void freeSessionFreesOnlyThatSessionsMatrices() {
        MatrixStore store = new MatrixStore(1, 64 * KIB);
        store.create(1, 7, 1L << 40, 0, 10, 10);
        store.create(2, 8, 1L << 40, 0, 10, 10);
        store.create(3, 7, 1L << 40, 0, 5, 10);
        store.freeSession(7);
        assertEquals(1, store.size());
        assertEquals(800, store.usedBytes());
        assertEquals(8, store.get(2, 8).sessionId());
    }

    @Test
    void concurrentCreatesNeverReserveMoreThanTheLimit() throws Exception {
        MatrixStore store = new MatrixStore(1, 100 * 800);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int id = 1; id <= 400; id++) {
                int matrix = id;
                tasks.add(() -> {
                    try {
                        store.create(matrix, 7, 1L << 40, 0, 10, 10); // 800 bytes: exactly 100 fit
                        return true;
                    } catch (AlchemistException e) {
                        return false;
                    }
                });
            }
            int created = 0;
            for (Future<Boolean> f : threads.invokeAll(tasks, 20, TimeUnit.SECONDS)) {
                created += f.get() ? 1 : 0;
            }
            assertEquals(100, created);
            assertEquals(100, store.size());
            assertEquals(100 * 800, store.usedBytes());
            tasks.clear();
            for (int id = 1; id <= 400; id++) {
                int matrix = id;
                tasks.add(() -> {
                    store.free(matrix);
                    return true;
                });
            }
            threads.invokeAll(tasks, 20, TimeUnit.SECONDS);
            assertEquals(0, store.usedBytes());
            assertEquals(0, store.size());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void blocksReadAndWriteRowsAndColumnRanges() {
        MatrixStore store = new MatrixStore(1, 64 * KIB);
        LocalRows rows = store.create(1, 7, 1L << 40, 100, 7, 3);
        double[] block = new double[5 * 3];
        for (int i = 0; i < block.length; i++) {
            block[i] = i + 1;
        }
        rows.checkBlock(102, 106, 0, 2);
        ByteBuf in = body(w -> w.putDoubles(block, 0, block.length));
        try {
            rows.write(102, 106, 0, 2, reader(in));
        } finally {
            in.release();
        }
        assertArrayEquals(new double[3], java.util.Arrays.copyOfRange(rows.values(), 0, 3), "rows never written are zero");
        assertArrayEquals(new double[] {1, 2, 3}, java.util.Arrays.copyOfRange(rows.values(), 6, 9));
        assertArrayEquals(new double[] {13, 14, 15}, java.util.Arrays.copyOfRange(rows.values(), 18, 21));

        ByteBuf out = body(w -> rows.read(101, 105, 1, 2, w)); // columns 1..2 of five rows
        try {
            double[] got = new double[10];
            reader(out).readDoubles(got, 0, got.length);
            assertArrayEquals(new double[] {0, 0, 2, 3, 5, 6, 8, 9, 11, 12}, got);
        } finally {
            out.release();
        }
    }

    private static ByteBuf body(java.util.function.Consumer<MessageWriter> values) {
        ByteBuf buf = Unpooled.buffer();
        MessageWriter w = MessageWriter.begin(buf, 0, 0, Command.SEND_MATRIX_BLOCKS);
        values.accept(w);
        w.finish();
        return buf.skipBytes(Header.LENGTH);
    }

    private static MessageReader reader(ByteBuf body) {
        return new MessageReader(body);
    }

    private static AlchemistException assertCode(ErrorCode code, Executable call) {
        AlchemistException e = assertThrows(AlchemistException.class, call);
        assertEquals(code, e.code(), e::getMessage);
        return e;
    }
}
