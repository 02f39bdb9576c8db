package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.ServerOptions;
import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.server.worker.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    /** One server with the limit for the class (each test's session gives back what it took). */
    private static TestServer server;

    @BeforeAll
    static void startLimitedServer() {
        server = TestServers.startDedicated(ServerOptions.workers(2).withMaxWorkerMemory(LIMIT));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void matrixOverTheLimitOnOneWorkerIsRefusedAndNothingStaysReserved() {
        try (AlchemistSession als = session()) {
            // 257 rows: worker 1 would get 129 (1056768 bytes, too many), worker 2 gets 128 (exactly 1 MiB, fits).
            AlchemistException e = assertError(ErrorCode.NOT_ENOUGH_WORKER_MEMORY,
                    () -> matrixInfo(als, 257, COLS));
            assertTrue(e.detail().contains("needs 1056768 bytes"), e.detail());
            assertTrue(e.detail().contains("only 1048576 bytes"), e.detail());
            assertNothingReserved(als);

            // Exactly the limit fits, and round-trips; then not a row more.
            double[][] a = Matrices.random(256, COLS, 5);
            MatrixHandle h = als.sendArray(a);
            server.ifEmbedded(embedded -> {
                for (Worker w : embedded.workers()) {
                    assertEquals(LIMIT, w.store().usedBytes());
                }
            });
            assertError(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, () -> matrixInfo(als, 1, 1));
            Matrices.assertBlockEquals(a, 0, 0, als.getArray(h));
        }
    }

    @Test
    void matrixThatFitsAloneButNotBesideAnotherIsRefusedAndTheOtherStays() {
        try (AlchemistSession als = session()) {
            double[][] a = Matrices.random(128, COLS, 6); // 64 rows, 512 KiB, on each worker
            MatrixHandle h = als.sendArray(a);
            AlchemistException e = assertError(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, () -> matrixInfo(als, 200, COLS));
            assertTrue(e.detail().contains("needs 819200 bytes"), e.detail());
            assertTrue(e.detail().contains("only 524288 bytes"), e.detail());
            server.ifEmbedded(embedded -> {
                assertEquals(1, embedded.driver().matrixCount());
                for (Worker w : embedded.workers()) {
                    assertEquals(LIMIT / 2, w.store().usedBytes());
                }
            });
            Matrices.assertBlockEquals(a, 0, 0, als.getArray(h));
            als.freeMatrix(h);
            assertNothingReserved(als);
            Checks.assertRoundTrip(als, 7);
        }
    }

    @Test
    void matrixWhoseByteCountOverflowsALongIsRefused() {
        try (AlchemistSession als = session()) {
            // Each worker would hold (2^31 - 1) x (2^30 + 1) doubles: 2^64 + 2^33 - 8 bytes, which wraps to 8 GiB.
            long rows = 2L * Integer.MAX_VALUE;
            long cols = (1L << 30) + 1;
            AlchemistException e = assertError(ErrorCode.NOT_ENOUGH_WORKER_MEMORY, () -> matrixInfo(als, rows, cols));
            assertTrue(e.detail().contains("exceed what one worker can index"), e.detail());
            assertNothingReserved(als);
            Checks.assertRoundTrip(als, 8);
        }
    }

    private static AlchemistSession session() {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        als.requestWorkers(2);
        return als;
    }

    /** MATRIX_INFO through the session's own driver connection (sendArray would first need the values). */
    private static MatrixLayout matrixInfo(AlchemistSession als, long rows, long cols) {
        return als.send(Matrices.unreadable(rows, (int) cols)).layout();
    }

    /** The whole limit is free on both workers: a matrix of exactly 1 MiB on each fits. */
    private static void assertNothingReserved(AlchemistSession als) {
        server.ifEmbedded(embedded -> {
            assertEquals(0, embedded.driver().matrixCount());
            for (Worker w : embedded.workers()) {
                assertEquals(0, w.store().size(), "matrices left on worker " + w.id());
                assertEquals(0, w.store().usedBytes(), "bytes left reserved on worker " + w.id());
            }
        });
        als.freeMatrix(als.sendArray(new double[256][COLS]));
    }
}
