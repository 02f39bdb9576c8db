package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.MessageFrameDecoder;
import alchemist.protocol.WorkerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed messages on a raw socket, to the driver and to a worker, before and after the handshake: an
 * unknown datatype, a run that overruns the body, a truncated run header, a body over the server's limit
 * (header only: the server must answer without waiting for the body). Each gets an ERROR reply and then
 * the end of the stream; a session that was already open keeps working.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MalformedFrameTest {
    private static final int SHORT = 34;
    private static final int STRING = 46;

    /** Where the malformed message goes. */
    enum Target { DRIVER_BEFORE_HANDSHAKE, DRIVER_AFTER_HANDSHAKE, WORKER_BEFORE_HANDSHAKE, WORKER_AFTER_HANDSHAKE }

    /** A malformed message: what its header states as the body length, the bytes sent after it, the error expected. */
    record Malformed(String name, long statedLength, byte[] body, ErrorCode code) {
        Malformed(String name, byte[] body, ErrorCode code) {
            this(name, body.length, body, code);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Malformed> malformations() {
        return List.of(
                new Malformed("unknown datatype 99", RawSocket.run(99, 1, new byte[] {7}), ErrorCode.INCONSISTENT_DATATYPES),
                new Malformed("datatype NONE", RawSocket.run(0, 0, new byte[0]), ErrorCode.INCONSISTENT_DATATYPES),
                new Malformed("SHORT run overrunning the body", RawSocket.run(SHORT, 10, new byte[] {0, 1}),
                        ErrorCode.INCONSISTENT_DATATYPES),
                new Malformed("STRING run overrunning the body", RawSocket.run(STRING, 100, RawSocket.utf8("abc")),
                        ErrorCode.INCONSISTENT_DATATYPES),
                new Malformed("count near 2^32", RawSocket.run(SHORT, 0xFFFFFFFFL, new byte[] {0, 1}),
                        ErrorCode.INCONSISTENT_DATATYPES),
                new Malformed("truncated run header", new byte[] {(byte) SHORT, 0, 0}, ErrorCode.INCONSISTENT_DATATYPES),
                new Malformed("body one byte over the limit, header only",
                        MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH + 1L, new byte[0], ErrorCode.MESSAGE_TOO_LARGE),
                new Malformed("body of 2^32 - 1 bytes, header only", 0xFFFFFFFFL, new byte[0], ErrorCode.MESSAGE_TOO_LARGE));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Target.values()) {
            for (Malformed m : malformations()) {
                out.add(Arguments.of(t, m));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void malformedMessageGetsAnErrorThenTheConnectionIsClosed(Target target, Malformed m) {
        try (TestServer server = TestServers.start(3);
                AlchemistSession other = new AlchemistSession();
                RawSession owner = RawSession.open(server)) {
            other.connect(server.host(), server.port());
            other.requestWorkers(1);
            double[][] kept = Matrices.random(30, 5, 9);
            MatrixHandle h = other.sendArray(kept);
            WorkerInfo worker = owner.requestWorkers(1).get(0);
            boolean toDriver = target == Target.DRIVER_BEFORE_HANDSHAKE || target == Target.DRIVER_AFTER_HANDSHAKE;

            try (RawSocket s = toDriver ? new RawSocket(server.host(), server.port())
                    : new RawSocket(worker.address(), worker.port())) {
                int client = 0;
                int session = 0;
                if (target == Target.DRIVER_AFTER_HANDSHAKE) {
                    RawSocket.Reply hello = s.handshake();
                    client = hello.clientId();
                    session = hello.sessionId();
                } else if (target == Target.WORKER_AFTER_HANDSHAKE) {
                    RawSocket.Reply hello = s.workerHandshake(owner.clientId(), owner.sessionId(), owner.token());
                    assertEquals(Command.HANDSHAKE.code(), hello.command());
                    client = owner.clientId();
                    session = owner.sessionId();
                }
                s.write(RawSocket.frame(client, session, Command.SEND_TEST_STRING.code(), m.statedLength(), m.body()));
                RawSocket.Reply reply = s.read();
                assertEquals(m.code().code(), reply.errorCode(), reply::errorMessage);
                assertFalse(reply.errorMessage().isBlank());
                assertTrue(s.atEof(), "the server should close the connection after a malformed message");
            }

            if (target == Target.DRIVER_AFTER_HANDSHAKE) {
                server.ifEmbedded(embedded -> Checks.awaitTrue("the closed connection's session ending",
                        Duration.ofSeconds(5), () -> embedded.driver().sessionCount() == 2));
            }
            Matrices.assertBlockEquals(kept, 0, 0, other.getArray(h));
            Checks.assertRoundTrip(other, 10);
            try (ClientConnection c = owner.connectWorker(worker)) {
                assertEquals("Alchemist worker received: 'still here'", RawSession.testString(c, "still here"));
            }
        }
    }
}
