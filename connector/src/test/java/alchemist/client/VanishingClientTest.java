package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.Command;
import alchemist.protocol.WorkerInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that announces a 1 MB message, sends 100 bytes of it and disappears: the server drops the
 * half message and the connection (ending its session, if it had one) and goes on serving everyone else.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VanishingClientTest {
    private static final int DOUBLE = 16;
    private static final long ANNOUNCED = 1 << 20;

    @Test
    void vanishingBeforeTheHandshakeLeavesTheDriverServing() {
        try (TestServer server = TestServers.start(2); AlchemistSession other = session(server, 1)) {
            try (RawSocket s = new RawSocket(server.host(), server.port())) {
                s.write(halfMessage(0, 0, Command.HANDSHAKE));
            }
            Checks.assertRoundTrip(other, 1);
            try (AlchemistSession next = session(server, 1)) {
                Checks.assertRoundTrip(next, 2);
            }
            server.ifEmbedded(embedded -> Checks.awaitTrue("only the other session left", Duration.ofSeconds(5),
                    () -> embedded.driver().sessionCount() == 1)); // the vanished client never opened one
        }
    }

    @Test
    void vanishingAfterTheHandshakeEndsItsSessionAndFreesItsWorkers() {
        try (TestServer server = TestServers.start(3); AlchemistSession other = session(server, 1)) {
            try (RawSocket s = new RawSocket(server.host(), server.port())) {
                RawSocket.Reply hello = s.handshake();
                s.write(RawSocket.message(hello.clientId(), hello.sessionId(), Command.REQUEST_WORKERS.code(),
                        w -> w.putShort(2)));
                assertEquals(Command.REQUEST_WORKERS.code(), s.read().command());
                assertEquals(0, other.listInactiveWorkers().size());
                s.write(halfMessage(hello.clientId(), hello.sessionId(), Command.MATRIX_INFO));
            }
            Checks.awaitTrue("the vanished client's workers free", Duration.ofSeconds(5),
                    () -> other.listInactiveWorkers().size() == 2);
            server.ifEmbedded(embedded -> Checks.awaitTrue("the vanished client's session gone", Duration.ofSeconds(5),
                    () -> embedded.driver().sessionCount() == 1)); // removed just after its workers are freed
            Checks.assertRoundTrip(other, 3);
            try (AlchemistSession next = session(server, 2)) {
                Checks.assertRoundTrip(next, 4);
            }
        }
    }

    @Test
    void vanishingMidBlockMessageLeavesTheWorkerAndTheMatrixAsTheyWere() {
        try (TestServer server = TestServers.start(2);
                RawSession owner = RawSession.open(server);
                AlchemistSession other = session(server, 1)) {
            WorkerInfo w = owner.requestWorkers(1).get(0);
            int matrixId = owner.driver().call(Command.MATRIX_INFO, m -> m.putByte(0).putByte(0).putLong(4).putLong(2),
                    r -> r.readMatrixId());
            try (ClientConnection c = owner.connectWorker(w)) {
                c.call(Command.SEND_MATRIX_BLOCKS, m -> m.putMatrixId(matrixId).putBounds(0, 3, 0, 1)
                        .putDoubles(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 8), r -> null);
                try (RawSocket s = new RawSocket(w.address(), w.port())) {
                    s.workerHandshake(owner.clientId(), owner.sessionId(), owner.token());
                    s.write(halfMessage(owner.clientId(), owner.sessionId(), Command.SEND_MATRIX_BLOCKS));
                }
                server.ifEmbedded(embedded -> Checks.awaitTrue("the vanished connection dropped", Duration.ofSeconds(5),
                        () -> embedded.workers().get(w.id() - 1).dataConnections() == 1));
                double[] back = c.call(Command.REQUEST_MATRIX_BLOCKS, m -> m.putMatrixId(matrixId).putBounds(0, 3, 0, 1),
                        r -> {
                            r.readMatrixId();
                            for (int i = 0; i < 4; i++) {
                                r.readLong();
                            }
                            double[] v = new double[8];
                            r.readDoubles(v, 0, 8);
                            return v;
                        });
                assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, back);
            }
            Checks.assertRoundTrip(other, 5);
        }
    }

    /** A header announcing a body of 1 MiB, then the first 100 bytes of it: a DOUBLE run header and zeros. */
    private static byte[] halfMessage(int client, int session, Command command) {
        byte[] start = RawSocket.run(DOUBLE, (ANNOUNCED - 5) / 8, new byte[95]);
        return RawSocket.frame(client, session, command.code(), ANNOUNCED, start);
    }

    private static AlchemistSession session(TestServer server, int workers) {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        als.requestWorkers(workers);
        return als;
    }
}
