package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MatrixLayout;
import alchemist.protocol.MessageReader;
import alchemist.protocol.WorkerInfo;
import alchemist.server.worker.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A matrix ID that never existed, was freed, or is another session's gets ERROR 8 from MATRIX_LAYOUT and
 * FREE_MATRIX on the driver and from SEND/REQUEST_MATRIX_BLOCKS on a worker; the connections stay usable
 * and another session keeps working.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnknownMatrixTest {

    @Test
    void matrixThatNeverExistedIsUnknown() {
        try (TestServer server = TestServers.start(4);
                RawSession a = RawSession.open(server);
                AlchemistSession b = session(server)) {
            a.requestWorkers(2);
            for (int id : new int[] {0, 1, 999, 0xFFFF}) {
                assertUnknownEverywhere(a, id);
            }
            Checks.assertRoundTrip(b, 1);
        }
    }

    @Test
    void freedMatrixIsUnknown() {
        try (TestServer server = TestServers.start(4);
                AlchemistSession a = session(server);
                AlchemistSession b = session(server)) {
            MatrixHandle h = a.sendArray(Matrices.random(20, 3, 1));
            a.freeMatrix(h);
            assertError(ErrorCode.UNKNOWN_MATRIX, () -> a.matrix(h.id()));
            assertError(ErrorCode.UNKNOWN_MATRIX, () -> a.freeMatrix(h));
            assertError(ErrorCode.UNKNOWN_MATRIX, () -> a.getArray(h)); // asks the workers, which freed it
            server.ifEmbedded(embedded -> {
                assertEquals(0, embedded.driver().matrixCount());
                for (Worker w : embedded.workers()) {
                    assertEquals(0, w.store().size());
                }
            });
            Checks.assertRoundTrip(a, 2);
            Checks.assertRoundTrip(b, 3);
        }
    }

    @Test
    void anotherSessionsMatrixIsUnknownAndStaysIntact() {
        try (TestServer server = TestServers.start(4);
                AlchemistSession owner = session(server);
                RawSession other = RawSession.open(server)) {
            double[][] values = Matrices.random(20, 3, 4);
            MatrixHandle h = owner.sendArray(values);
            other.requestWorkers(2);
            assertUnknownEverywhere(other, h.id());
            Matrices.assertBlockEquals(values, 0, 0, owner.getArray(h));
            assertEquals(3, owner.matrix(h.id()).numCols());
        }
    }

    /** MATRIX_LAYOUT and FREE_MATRIX on the driver, REQUEST and SEND_MATRIX_BLOCKS on each of the session's workers. */
    private static void assertUnknownEverywhere(RawSession s, int id) {
        ClientConnection driver = s.driver();
        assertError(ErrorCode.UNKNOWN_MATRIX, () -> driver.call(Command.MATRIX_LAYOUT, w -> w.putMatrixId(id),
                MatrixLayout::read));
        assertError(ErrorCode.UNKNOWN_MATRIX, () -> driver.call(Command.FREE_MATRIX, w -> w.putMatrixId(id),
                MessageReader::readMatrixId));
        for (WorkerInfo info : s.workers()) {
            try (ClientConnection c = s.connectWorker(info)) {
                assertError(ErrorCode.UNKNOWN_MATRIX, () -> c.call(Command.REQUEST_MATRIX_BLOCKS,
                        w -> w.putMatrixId(id).putBounds(0, 0, 0, 0), r -> null));
                assertError(ErrorCode.UNKNOWN_MATRIX, () -> c.call(Command.SEND_MATRIX_BLOCKS,
                        w -> w.putMatrixId(id).putBounds(0, 0, 0, 0).putDouble(1), r -> null));
                assertEquals("Alchemist worker received: 'after'", RawSession.testString(c, "after"));
            }
        }
        assertEquals("Alchemist driver received: 'after'",
                driver.call(Command.SEND_TEST_STRING, w -> w.putString("after"), MessageReader::readString));
    }

    private static AlchemistSession session(TestServer server) {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        als.requestWorkers(2);
        return als;
    }
}
