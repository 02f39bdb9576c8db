package alchemist.client;

import static alchemist.client.Checks.assertClosedByServer;
import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.net.ClientConnection;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.WorkerInfo;
import alchemist.server.AlchemistServer;
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
@Timeout(120)
class ConcurrentSessionsTest {
    private static final int SESSIONS = 4;

    @Test
    void fourConcurrentSessionsEachGetTheirOwnMatrixAndSeeOnlyTheirOwn() throws Exception {
        List<AlchemistSession> sessions = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(SESSIONS);
        try (AlchemistServer server = AlchemistServer.embedded(2 * SESSIONS)) {
            try {
                runSessions(server, sessions, threads);
            } finally {
                threads.shutdownNow();
                sessions.forEach(AlchemistSession::close); // before the server stops
            }
        }
    }

    private static void runSessions(AlchemistServer server, List<AlchemistSession> sessions, ExecutorService threads)
            throws Exception {
        for (int i = 0; i < SESSIONS; i++) {
            sessions.add(new AlchemistSession().setTransfer(16 << 10, 2)); // many small messages, interleaved
        }
        double[][][] matrices = new double[SESSIONS][][];
        for (int i = 0; i < SESSIONS; i++) {
            matrices[i] = Matrices.random(400 + 37 * i, 90 + 11 * i, 1000 + i);
        }
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

        // Each session holds two workers of its own; together they hold all eight.
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
        assertEquals(SESSIONS, server.driver().matrixCount());

        // No session can reach another's matrix through the driver or through its own workers.
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
        }
        // ... and every matrix is still there, unchanged.
        for (int i = 0; i < SESSIONS; i++) {
            Matrices.assertBlockEquals(matrices[i], 0, 0, sessions.get(i).getArray(handles.get(i)));
            assertEquals(handles.get(i).numRows(), sessions.get(i).matrix(handles.get(i).id()).numRows());
        }

        // The data path: another session's IDs and token do not open session A's workers.
        AlchemistSession a = sessions.get(0);
        MatrixHandle aMatrix = handles.get(0);
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

            // Session B with workers of its own cannot read or write A's matrix through them either.
            sessions.get(SESSIONS - 1).stop();
            List<WorkerInfo> bWorkers = b.requestWorkers(2);
            for (WorkerInfo w : bWorkers) {
                try (ClientConnection c = b.connectWorker(w)) {
                    assertError(ErrorCode.UNKNOWN_MATRIX, () -> c.call(Command.REQUEST_MATRIX_BLOCKS,
                            m -> m.putMatrixId(aMatrix.id()).putBounds(0, 0, 0, 0), r -> null));
                    assertError(ErrorCode.UNKNOWN_MATRIX, () -> c.call(Command.SEND_MATRIX_BLOCKS,
                            m -> m.putMatrixId(aMatrix.id()).putBounds(0, 0, 0, 0).putDouble(1.0), r -> null));
                    assertEquals("Alchemist worker received: 'still open'", RawSession.testString(c, "still open"));
                }
            }
        }
        Matrices.assertBlockEquals(matrices[0], 0, 0, a.getArray(aMatrix));
    }
}
