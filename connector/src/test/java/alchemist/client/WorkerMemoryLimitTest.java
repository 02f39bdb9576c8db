package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.server.AlchemistServer;
import alchemist.server.worker.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A matrix that would put more than the per-worker memory limit on any worker gets ERROR 16, saying how
 * much it needs and how much is free; nothing of it stays reserved, and matrices that fit still work.
 * The server here allows 1 MiB per worker: 128 rows of 1024 columns.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkerMemoryLimitTest {
    private static final long LIMIT = 1 << 20;
    private static final int COLS = 1024;

    @Test
    void matrixOverTheLimitOnOneWorkerIsRefusedAndNothingStaysReserved() {
        try (AlchemistServer server = limitedServer(); AlchemistSession als = session(server, 2)) {
            // 257 rows: worker 1 would get 129 (1056768 bytes, too many), worker 2 gets 128 (exactly 1 MiB, fits).
            AlchemistException e = assertError(ErrorCode.NOT_ENOUGH_WORKER_MEMORY,
                    () -> matrixInfo(als, 257, COLS));
            assertTrue(e.detail().contains("needs 1056768 bytes"), e.detail());
            assertTrue(e.detail().contains("only 1048576 bytes"), e.detail());
            assertNothingReserved(server);

            // Exactly the limit fits, and round-trips.
            double[][] a = Matrices.random(256, COLS, 5);
            MatrixHandle h = als.sendArray(a);
            for (Worker w : server.workers()) {
                assertEquals(LIMIT, w.store().usedBytes());
            }
            Matrices.assertBlockEquals(a, 0, 0, als.getArray(h));
        }
    }

    @Test
    void matrixThatFitsAloneButNotBesideAnotherIsRefusedAndTheOtherStays() {
        try (AlchemistServer server = limitedServer(); AlchemistSession als = session(server, 2)) {
            double[][] a = Matrices.random(128, COLS, 6); // 64 rows, 512 KiB, on each worker
            MatrixHandle h = als.sendArray(a);
            AlchemistException e = assertError(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, () -> matrixInfo(als, 200, COLS));
            assertTrue(e.detail().contains("needs 819200 bytes"), e.detail());
            assertTrue(e.detail().contains("only 524288 bytes"), e.detail());
            assertEquals(1, server.driver().matrixCount());
            for (Worker w : server.workers()) {
                assertEquals(LIMIT / 2, w.store().usedBytes());
            }
            Matrices.assertBlockEquals(a, 0, 0, als.getArray(h));
            als.freeMatrix(h);
            assertNothingReserved(server);
            Checks.assertRoundTrip(als, 7);
        }
    }

    @Test
    void matrixWhoseByteCountOverflowsALongIsRefused() {
        try (AlchemistServer server = limitedServer(); AlchemistSession als = session(server, 2)) {
            // Each worker would hold (2^31 - 1) x (2^30 + 1) doubles: 2^64 + 2^33 - 8 bytes, which wraps to 8 GiB.
            long rows = 2L * Integer.MAX_VALUE;
            long cols = (1L << 30) + 1;
            AlchemistException e = assertError(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, () -> matrixInfo(als, rows, cols));
            assertTrue(e.detail().contains("exceed what one worker can index"), e.detail());
            assertNothingReserved(server);
            Checks.assertRoundTrip(als, 8);
        }
    }

    private static AlchemistServer limitedServer() {
        return AlchemistServer.builder().workers(2).maxWorkerMemory(LIMIT).start();
    }

    private static AlchemistSession session(AlchemistServer server, int workers) {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        als.requestWorkers(workers);
        return als;
    }

    /** MATRIX_INFO through the session's own driver connection (sendArray would first need the values). */
    private static MatrixLayout matrixInfo(AlchemistSession als, long rows, long cols) {
        return als.send(new RowSource() {
            @Override
            public long numRows() {
                return rows;
            }

            @Override
            public int numCols() {
                return (int) cols;
            }

            @Override
            public void readRows(long firstRow, int count, double[] dst) {
                throw new AssertionError("a matrix the server refused must not be sent");
            }
        }).layout();
    }

    private static void assertNothingReserved(AlchemistServer server) {
        assertEquals(0, server.driver().matrixCount());
        for (Worker w : server.workers()) {
            assertEquals(0, w.store().size(), "matrices left on worker " + w.id());
            assertEquals(0, w.store().usedBytes(), "bytes left reserved on worker " + w.id());
        }
    }
}
