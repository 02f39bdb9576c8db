package alchemist.client;

import static alchemist.client.Checks.assertClosedByServer;
import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.WorkerInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Four sessions at once on one server with eight workers, two each: every session gets its own matrix
 * back exactly, and none can see, free, read or write another's matrices, on the driver or on a worker.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentSessionsTest {
    private static final int SESSIONS = 4;

    @Test
    void fourConcurrentSessionsEachGetTheirOwnMatrixAndSeeOnlyTheirOwn() throws Exception {
        List<AlchemistSession> sessions = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(SESSIONS);
        try (TestServer server = TestServers.start(2 * SESSIONS)) {
            try {
                double[][][] matrices = new double[SESSIONS][][];
                for (int i = 0; i < SESSIONS; i++) {
                    sessions.add(new AlchemistSession().setTransfer(16 << 10, 2)); // many small messages, interleaved
                    matrices[i] = Matrices.random(400 + 37 * i, 90 + 11 * i, 1000 + i);
                }
                List<MatrixHandle> handles = sendAndFetchConcurrently(server, sessions, matrices, threads);
                assertEachHoldsTwoWorkersOfItsOwn(sessions);
                server.ifEmbedded(embedded -> assertEquals(SESSIONS, embedded.driver().matrixCount()));
                assertNoneReachesAnothersMatrix(sessions, handles);
                for (int i = 0; i < SESSIONS; i++) {
                    Matrices.assertBlockEquals(matrices[i], 0, 0, sessions.get(i).getArray(handles.get(i)));
                }
                assertDataPathRefusesAnotherSession(server, sessions, handles.get(0));
                Matrices.assertBlockEquals(matrices[0], 0, 0, sessions.get(0).getArray(handles.get(0)));
            } finally {
                threads.shutdownNow();
                sessions.forEach(AlchemistSession::close); // before the server stops
            }
        }
    }

    /** Each session, on its own thread, connects, takes two workers, sends its matrix and fetches it back. */
    private static List<MatrixHandle> sendAndFetchConcurrently(TestServer server, List<AlchemistSession> sessions,
            double[][][] matrices, ExecutorService threads) throws Exception {
        CyclicBarrier start = new CyclicBarrier(SESSIONS);
        List<Future<MatrixHandle>> sent = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            AlchemistSession als = sessions.get(i);
            double[][] a = matrices[i];
            sent.add(threads.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                als.connect(server.host(), server.port());
                als.requestWorkers(2);
                MatrixHandle h = als.sendArray(a);
                Matrices.assertBlockEquals(a, 0, 0, als.getArray(h));
                return h;
            }));
        }
        List<MatrixHandle> handles = new ArrayList<>();
        for (Future<MatrixHandle> f : sent) {
            handles.add(f.get(90, TimeUnit.SECONDS));
        }
        return handles;
    }

    private static void assertEachHoldsTwoWorkersOfItsOwn(List<AlchemistSession> sessions) {
        Set<Integer> held = new HashSet<>();
        for (AlchemistSession als : sessions) {
            List<WorkerInfo> mine = als.listAssignedWorkers();
            assertEquals(2, mine.size());
            for (WorkerInfo w : mine) {
                assertEquals(als.sessionId(), w.sessionId());
                assertTrue(held.add(w.id()), "worker " + w.id() + " is held by two sessions");
            }
        }
        assertEquals(2 * SESSIONS, held.size());
    }

    /**
     * MATRIX_LAYOUT, FREE_MATRIX and getArray of another session's matrix are ERROR 8, also when its ID is
     * asked of the session's own workers.
     */
    private static void assertNoneReachesAnothersMatrix(List<AlchemistSession> sessions, List<MatrixHandle> handles) {
        for (int i = 0; i < SESSIONS; i++) {
            AlchemistSession als = sessions.get(i);
            int[] ownWorkers = als.workers().list().stream().mapToInt(WorkerInfo::id).toArray();
            for (int j = 0; j < SESSIONS; j++) {
                if (i == j) {
                    continue;
                }
                MatrixHandle theirs = handles.get(j);
                assertError(ErrorCode.UNKNOWN_MATRIX, () -> als.matrix(theirs.id()));
                assertError(ErrorCode.UNKNOWN_MATRIX, () -> als.freeMatrix(theirs));
                assertError(ErrorCode.UNKNOWN_MATRIX, () -> als.getArray(theirs));
                MatrixHandle onMyWorkers = new MatrixHandle(
                        MatrixLayout.rowBlocks(theirs.id(), theirs.numRows(), theirs.numCols(), ownWorkers));
                assertError(ErrorCode.UNKNOWN_MATRIX, () -> als.getArray(onMyWorkers));
            }
            assertEquals(handles.get(i).numRows(), als.matrix(handles.get(i).id()).numRows());
        }
    }

    /**
     * Another session's IDs and token do not open session A's workers, and that session's own workers do
     * not serve A's matrix.
     */
    private static void assertDataPathRefusesAnotherSession(TestServer server, List<AlchemistSession> sessions,
            MatrixHandle aMatrix) {
        AlchemistSession a = sessions.get(0);
        WorkerInfo aWorker = a.workers().list().get(0);
        try (RawSession b = RawSession.open(server)) {
            try (ClientConnection c = RawSession.openWorker(aWorker)) {
                assertError(ErrorCode.INVALID_SESSION,
                        () -> RawSession.handshakeWorker(c, b.clientId(), b.sessionId(), b.token()));
                assertClosedByServer(c);
            }
            try (ClientConnection c = RawSession.openWorker(aWorker)) {
                assertError(ErrorCode.INVALID_SESSION,
                        () -> RawSession.handshakeWorker(c, a.clientId(), a.sessionId(), b.token()));
                assertClosedByServer(c);
            }

            sessions.get(SESSIONS - 1).stop(); // frees two workers for B
            for (WorkerInfo w : b.requestWorkers(2)) {
                try (ClientConnection c = b.connectWorker(w)) {
                    assertError(ErrorCode.UNKNOWN_MATRIX, () -> c.call(Command.REQUEST_MATRIX_BLOCKS,
                            m -> m.putMatrixId(aMatrix.id()).putBounds(0, 0, 0, 0), r -> null));
                    assertError(ErrorCode.UNKNOWN_MATRIX, () -> c.call(Command.SEND_MATRIX_BLOCKS,
                            m -> m.putMatrixId(aMatrix.id()).putBounds(0, 0, 0, 0).putDouble(1.0), r -> null));
                    assertEquals("Alchemist worker received: 'still open'", RawSession.testString(c, "still open"));
                }
            }
        }
    }
}
