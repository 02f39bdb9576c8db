package alchemist.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.Handshake;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import alchemist.protocol.WorkerInfo;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The driver's handshake on a raw socket: wrong magic values or a command before the handshake get
 * ERROR 1 and the connection is closed; after a good handshake, a header with another client or session
 * ID gets ERROR 2 or 3 and the connection stays usable. Another session keeps working throughout.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandshakeErrorsTest {

    static Stream<Arguments> badHandshakes() {
        return Stream.of(
                Arguments.of("wrong number", body(w -> w.putByte(3).putShort(1235).putString("ABCD"))),
                Arguments.of("wrong text", body(w -> w.putByte(3).putShort(1234).putString("ABCE"))),
                Arguments.of("server's values", body(w -> w.putByte(3).putShort(4321).putString("DCBA"))),
                Arguments.of("INT for the SHORT", body(w -> w.putByte(3).putInt(1234).putString("ABCD"))),
                Arguments.of("no text", body(w -> w.putByte(3).putShort(1234))),
                Arguments.of("empty body", body(w -> { })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHandshakes")
    void badHandshakeGetsError1AndTheConnectionIsClosed(String what, Consumer<MessageWriter> body) {
        try (TestServer server = TestServers.start(2);
                AlchemistSession other = session(server);
                RawSocket s = new RawSocket(server.host(), server.port())) {
            s.write(RawSocket.message(0, 0, Command.HANDSHAKE.code(), body));
            assertEquals(ErrorCode.INVALID_HANDSHAKE.code(), s.read().errorCode());
            assertTrue(s.atEof(), "the server should close the connection after a bad handshake");
            server.ifEmbedded(embedded -> assertEquals(1, embedded.driver().sessionCount(),
                    "a refused handshake opens no session"));
            Checks.assertRoundTrip(other, 1);
        }
    }

    @ParameterizedTest(name = "command {0}")
    @MethodSource("commandsBeforeHandshake")
    void commandBeforeTheHandshakeGetsError1AndTheConnectionIsClosed(int command) {
        try (TestServer server = TestServers.start(2);
                AlchemistSession other = session(server);
                RawSocket s = new RawSocket(server.host(), server.port())) {
            s.write(RawSocket.message(0, 0, command, w -> w.putShort(1)));
            RawSocket.Reply reply = s.read();
            assertEquals(ErrorCode.INVALID_HANDSHAKE.code(), reply.errorCode());
            assertTrue(reply.errorMessage().contains("HANDSHAKE"), reply.errorMessage());
            assertTrue(s.atEof(), "the server should close the connection after a command before the handshake");
            Checks.assertRoundTrip(other, 2);
        }
    }

    static Stream<Integer> commandsBeforeHandshake() {
        return Stream.of(Command.REQUEST_WORKERS.code(), Command.SEND_TEST_STRING.code(), Command.SHUT_DOWN.code(), 99);
    }

    @Test
    void goodHandshakeGivesIdsAndTheServersValues() {
        try (TestServer server = TestServers.start(2); RawSocket s = new RawSocket(server.host(), server.port())) {
            RawSocket.Reply reply = s.handshake();
            assertEquals(Command.HANDSHAKE.code(), reply.command());
            assertTrue(reply.clientId() >= 1 && reply.sessionId() >= 1, reply.toString());
            MessageReader r = reply.reader();
            assertEquals(Handshake.SERVER_NUMBER, r.readShort());
            assertEquals(Handshake.SERVER_TEXT, r.readString());
        }
    }

    @Test
    void wrongIdsInTheHeaderGetError2Or3AndTheConnectionStays() {
        try (TestServer server = TestServers.start(2);
                AlchemistSession other = session(server);
                RawSocket s = new RawSocket(server.host(), server.port())) {
            RawSocket.Reply hello = s.handshake();
            int client = hello.clientId();
            int session = hello.sessionId();

            s.write(testString(client + 1, session, "wrong client"));
            RawSocket.Reply reply = s.read();
            assertEquals(ErrorCode.INVALID_CLIENT_ID.code(), reply.errorCode());
            assertEquals(client, reply.clientId(), "an ERROR reply carries the connection's own IDs");
            assertEquals(session, reply.sessionId());

            s.write(testString(client, session + 1, "wrong session"));
            assertEquals(ErrorCode.INVALID_SESSION.code(), s.read().errorCode());

            s.write(testString(0, 0, "no IDs"));
            assertEquals(ErrorCode.INVALID_CLIENT_ID.code(), s.read().errorCode());

            s.write(RawSocket.message(client, session, Command.HANDSHAKE.code(), w -> w.putByte(3).putShort(1234)
                    .putString("ABCD")));
            assertEquals(ErrorCode.INVALID_HANDSHAKE.code(), s.read().errorCode(), "a second handshake is refused");

            s.write(testString(client, session, "right IDs"));
            RawSocket.Reply ok = s.read();
            assertEquals(Command.SEND_TEST_STRING.code(), ok.command());
            assertEquals("Alchemist driver received: 'right IDs'", ok.reader().readString());
            Checks.assertRoundTrip(other, 3);
        }
    }

    @Test
    void badHandshakeToAWorkerGetsError1AndTheConnectionIsClosed() {
        try (TestServer server = TestServers.start(2);
                RawSession owner = RawSession.open(server);
                AlchemistSession other = session(server)) {
            WorkerInfo w = owner.requestWorkers(1).get(0);
            try (RawSocket s = new RawSocket(w.address(), w.port())) {
                s.write(RawSocket.message(owner.clientId(), owner.sessionId(), Command.HANDSHAKE.code(),
                        b -> b.putByte(3).putShort(1235).putString("ABCD").putLong(owner.token())));
                assertEquals(ErrorCode.INVALID_HANDSHAKE.code(), s.read().errorCode());
                assertTrue(s.atEof());
            }
            try (RawSocket s = new RawSocket(w.address(), w.port())) {
                RawSocket.Reply reply = s.workerHandshake(owner.clientId(), owner.sessionId(), owner.token());
                assertEquals(Command.HANDSHAKE.code(), reply.command());
                assertEquals(owner.sessionId(), reply.sessionId());
            }
            Checks.assertRoundTrip(other, 4);
        }
    }

    private static byte[] testString(int client, int session, String text) {
        return RawSocket.message(client, session, Command.SEND_TEST_STRING.code(), w -> w.putString(text));
    }

    private static Consumer<MessageWriter> body(Consumer<MessageWriter> c) {
        return c;
    }

    private static AlchemistSession session(TestServer server) {
        AlchemistSession als = new AlchemistSession();
        als.connect(server.host(), server.port());
        als.requestWorkers(1);
        return als;
    }
}
