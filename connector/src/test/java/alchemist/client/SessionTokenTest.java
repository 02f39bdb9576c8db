package alchemist.client;

import static alchemist.client.Checks.assertClosedByServer;
import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageReader;
import alchemist.protocol.WorkerInfo;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker serves a data connection only after a handshake that presents the token of the session it is
 * assigned to; anything else gets ERROR 3 (or 1 before any handshake) and the connection is closed, and
 * the worker goes on serving the right token.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SessionTokenTest {

    @Test
    void wrongTokenIsRefusedAndTheConnectionClosed() {
        try (TestServer server = TestServers.start(3); RawSession s = RawSession.open(server)) {
            WorkerInfo w = s.requestWorkers(2).get(0);
            try (ClientConnection c = RawSession.openWorker(w)) {
                assertError(ErrorCode.INVALID_SESSION,
                        () -> RawSession.handshakeWorker(c, s.clientId(), s.sessionId(), s.token() + 1));
                assertClosedByServer(c);
            }
            assertRightTokenWorks(s, w);
        }
    }

    @Test
    void missingTokenIsRefusedAndTheConnectionClosed() {
        try (TestServer server = TestServers.start(3); RawSession s = RawSession.open(server)) {
            WorkerInfo w = s.requestWorkers(2).get(1);
            try (ClientConnection c = RawSession.openWorker(w)) {
                assertError(ErrorCode.INVALID_SESSION,
                        () -> RawSession.handshakeWorker(c, s.clientId(), s.sessionId(), null));
                assertClosedByServer(c);
            }
            assertRightTokenWorks(s, w);
        }
    }

    @Test
    void dataCommandBeforeTheHandshakeIsRefusedAndTheConnectionClosed() {
        try (TestServer server = TestServers.start(3); RawSession s = RawSession.open(server)) {
            WorkerInfo w = s.requestWorkers(2).get(0);
            try (ClientConnection c = RawSession.openWorker(w)) {
                c.setIds(s.clientId(), s.sessionId());
                assertError(ErrorCode.INVALID_HANDSHAKE, () -> RawSession.testString(c, "too early"));
                assertClosedByServer(c);
            }
            try (ClientConnection c = RawSession.openWorker(w)) {
                c.setIds(s.clientId(), s.sessionId());
                assertError(ErrorCode.INVALID_HANDSHAKE, () -> c.call(Command.REQUEST_MATRIX_BLOCKS,
                        m -> m.putMatrixId(1).putBounds(0, 0, 0, 0), r -> null));
                assertClosedByServer(c);
            }
            assertRightTokenWorks(s, w);
        }
    }

    @Test
    void workerNotAssignedToTheSessionRefusesItsToken() {
        try (TestServer server = TestServers.start(3);
                RawSession s = RawSession.open(server);
                RawSession other = RawSession.open(server)) {
            List<WorkerInfo> mine = s.requestWorkers(2);
            WorkerInfo free = s.inactiveWorkers().get(0);
            try (ClientConnection c = RawSession.openWorker(free)) {
                assertError(ErrorCode.INVALID_SESSION,
                        () -> RawSession.handshakeWorker(c, s.clientId(), s.sessionId(), s.token()));
                assertClosedByServer(c);
            }
            WorkerInfo theirs = other.requestWorkers(1).get(0);
            assertEquals(free.id(), theirs.id());
            try (ClientConnection c = RawSession.openWorker(theirs)) {
                assertError(ErrorCode.INVALID_SESSION,
                        () -> RawSession.handshakeWorker(c, s.clientId(), s.sessionId(), s.token()));
                assertClosedByServer(c);
            }
            assertRightTokenWorks(other, theirs);
            assertRightTokenWorks(s, mine.get(0));
        }
    }

    @Test
    void wrongSessionInTheHeaderAfterTheHandshakeIsRefusedButTheConnectionStays() {
        try (TestServer server = TestServers.start(2); RawSession s = RawSession.open(server)) {
            WorkerInfo w = s.requestWorkers(1).get(0);
            try (ClientConnection c = s.connectWorker(w)) {
                c.setIds(s.clientId(), s.sessionId() + 1);
                assertError(ErrorCode.INVALID_SESSION, () -> RawSession.testString(c, "wrong session"));
                c.setIds(s.clientId(), s.sessionId());
                assertEquals("Alchemist worker received: 'right session'", RawSession.testString(c, "right session"));
            }
        }
    }

    @Test
    void yieldingAWorkerClosesTheSessionsConnectionsAndRetiresTheToken() {
        try (TestServer server = TestServers.start(2); RawSession s = RawSession.open(server)) {
            WorkerInfo w = s.requestWorkers(2).get(0);
            try (ClientConnection c = s.connectWorker(w)) {
                int yielded = s.driver().call(Command.YIELD_WORKERS, m -> m.putShort(w.id()), MessageReader::readShort);
                assertEquals(1, yielded);
                assertClosedByServer(c);
            }
            try (ClientConnection c = RawSession.openWorker(w)) {
                assertError(ErrorCode.INVALID_SESSION,
                        () -> RawSession.handshakeWorker(c, s.clientId(), s.sessionId(), s.token()));
                assertClosedByServer(c);
            }
        }
    }

    /** The worker still admits the session's own token and answers on that connection. */
    private static void assertRightTokenWorks(RawSession s, WorkerInfo w) {
        try (ClientConnection c = s.connectWorker(w)) {
            assertEquals("Alchemist worker received: 'hello'", RawSession.testString(c, "hello"));
        }
    }
}
