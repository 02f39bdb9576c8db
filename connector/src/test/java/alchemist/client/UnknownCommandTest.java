package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Command codes the driver or a worker does not serve get an ERROR reply (7 for codes it does not know or
 * serve) and the connection stays usable; commands for the other side (matrix data to the driver, driver
 * commands to a worker) likewise.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnknownCommandTest {

    @Test
    void unknownCommandCodesToTheDriverGetError7AndTheConnectionStays() {
        try (TestServer server = TestServers.start(2);
                RawSession s = RawSession.open(server);
                AlchemistSession other = session(server)) {
            for (int code : new int[] {99, 0, 24, 200, 254, 255}) {
                assertError(ErrorCode.UNKNOWN_COMMAND, () -> callRaw(s.driver(), code));
                assertDriverServes(s);
            }
            assertError(ErrorCode.UNKNOWN_COMMAND, () -> s.driver().call(Command.SEND_MATRIX_BLOCKS,
                    w -> w.putMatrixId(1).putBounds(0, 0, 0, 0).putDouble(0), r -> null));
            assertError(ErrorCode.UNKNOWN_COMMAND, () -> s.driver().call(Command.REQUEST_MATRIX_BLOCKS,
                    w -> w.putMatrixId(1).putBounds(0, 0, 0, 0), r -> null));
            assertDriverServes(s);
            Checks.assertRoundTrip(other, 1);
        }
    }

    @Test
    void libraryCommandsGetAnErrorReplyNotAHang() {
        try (TestServer server = TestServers.start(3);
                RawSession s = RawSession.open(server);
                AlchemistSession other = session(server)) {
            s.requestWorkers(2);
            // A path outside the library directory is refused (14); a task of no loaded library is unknown (10).
            Set<ErrorCode> expected = Set.of(ErrorCode.NOT_PERMITTED, ErrorCode.UNKNOWN_LIBRARY_OR_TASK);
            AlchemistException load = assertThrows(AlchemistException.class,
                    () -> s.driver().call(Command.LOAD_LIBRARY,
                            w -> w.putString("NoSuchLib").putString("/nonexistent/libNoSuchLib.so"), MessageReader::readShort));
            assertTrue(expected.contains(load.code()), load.getMessage());
            AlchemistException run = assertThrows(AlchemistException.class,
                    () -> s.driver().call(Command.RUN_TASK,
                            w -> w.putString("NoSuchLib.truncated_SVD").putShort(1).putInt(2).putByte(0), r -> null));
            assertTrue(expected.contains(run.code()), run.getMessage());
            assertDriverServes(s);
            Checks.assertRoundTrip(other, 2);
        }
    }

    @Test
    void unknownAndDriverCommandsToAWorkerGetError7AndTheConnectionStays() {
        try (TestServer server = TestServers.start(2);
                RawSession s = RawSession.open(server);
                AlchemistSession other = session(server)) {
            s.requestWorkers(1);
            try (ClientConnection c = s.connectWorker(s.workers().get(0))) {
                assertError(ErrorCode.UNKNOWN_COMMAND, () -> callRaw(c, 99));
                assertEquals("Alchemist worker received: 'x'", RawSession.testString(c, "x"));
                assertError(ErrorCode.UNKNOWN_COMMAND, () -> c.call(Command.MATRIX_INFO,
                        w -> w.putByte(0).putByte(0).putLong(2).putLong(2), r -> null));
                assertError(ErrorCode.UNKNOWN_COMMAND, () -> c.call(Command.REQUEST_WORKERS, w -> w.putShort(1), r -> null));
                assertEquals("Alchemist worker received: 'y'", RawSession.testString(c, "y"));
            }
            assertDriverServes(s);
            Checks.assertRoundTrip(other, 3);
        }
    }

    /** Sends a message with any command byte (and a STRING body) and waits for the reply. */
    private static Object callRaw(ClientConnection c, int commandCode) {
        ByteBuf frame = Unpooled.buffer();
        MessageWriter.begin(frame, c.clientId(), c.sessionId(), commandCode).putString("body").finish();
        return ClientConnection.await(c.sendFrame(Command.WAIT, frame, r -> null));
    }

    private static AlchemistSession session(TestServer server) {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        als.requestWorkers(1);
        return als;
    }

    private static void assertDriverServes(RawSession s) {
        assertEquals("Alchemist driver received: 'ok'",
                s.driver().call(Command.SEND_TEST_STRING, w -> w.putString("ok"), MessageReader::readString));
    }
}
