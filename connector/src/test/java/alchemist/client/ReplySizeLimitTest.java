package alchemist.client;

import static alchemist.client.Checks.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageFrameDecoder;
import alchemist.protocol.WorkerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A REQUEST_MATRIX_BLOCKS whose reply would exceed the server's 64 MiB message limit gets ERROR 13 before
 * anything is sent, and the data connection stays usable for requests that fit.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReplySizeLimitTest {
    private static final long ROWS = 9000; // on the first of two workers
    private static final long COLS = 1000; // 72 MB of values on that worker

    @Test
    void requestWhoseReplyWouldExceedTheLimitIsRefusedAndTheConnectionStays() {
        assertTrue(ROWS * COLS * Double.BYTES > MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH);
        try (TestServer server = TestServers.start(2); RawSession s = RawSession.open(server)) {
            WorkerInfo w = s.requestWorkers(2).get(0);
            int id = s.driver().call(Command.MATRIX_INFO, m -> m.putByte(0).putByte(0).putLong(2 * ROWS).putLong(COLS),
                    r -> r.readMatrixId());
            try (ClientConnection c = s.connectWorker(w)) {
                assertError(ErrorCode.MESSAGE_TOO_LARGE, () -> c.call(Command.REQUEST_MATRIX_BLOCKS,
                        m -> m.putMatrixId(id).putBounds(0, ROWS - 1, 0, COLS - 1), r -> null));
                assertError(ErrorCode.MESSAGE_TOO_LARGE, () -> c.call(Command.REQUEST_MATRIX_BLOCKS,
                        m -> m.putMatrixId(id).putBounds(0, ROWS / 2, 0, COLS - 1).putBounds(ROWS / 2 + 1, ROWS - 1, 0, COLS - 1),
                        r -> null));
                long values = c.call(Command.REQUEST_MATRIX_BLOCKS,
                        m -> m.putMatrixId(id).putBounds(0, ROWS / 2 - 1, 0, COLS - 1), r -> {
                            r.readMatrixId();
                            for (int i = 0; i < 4; i++) {
                                r.readLong();
                            }
                            return r.remainingInRun();
                        });
                assertEquals(ROWS / 2 * COLS, values);
            }
        }
    }
}
