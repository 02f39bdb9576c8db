package alchemist.client;

import alchemist.client.backend.TestServer;
import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.Handshake;
import alchemist.protocol.MessageReader;
import alchemist.protocol.WorkerInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * A driver session made by hand with a {@link ClientConnection}, so that a test knows the session token and
 * can connect to workers with any IDs and token it likes. Closing it closes the driver connection, which
 * ends the session on the server.
 */
final class RawSession implements AutoCloseable {
    /** Largest reply a raw connection accepts. */
    static final long MAX_REPLY = 256L << 20;

    private final ClientConnection driver;
    private List<WorkerInfo> workers = List.of();
    private long token;

    private RawSession(ClientConnection driver) {
        this.driver = driver;
    }

    /** Connects to the server's driver and shakes hands. */
    static RawSession open(TestServer server) {
        ClientConnection c = ClientConnection.open(server.host(), server.port(), "driver", MAX_REPLY, null);
        try {
            c.call(Command.HANDSHAKE, w -> w.putByte(Handshake.LANGUAGE_JAVA).putShort(Handshake.CLIENT_NUMBER)
                    .putString(Handshake.CLIENT_TEXT), r -> null);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        RawSession s = new RawSession(c);
        s.readAssigned();
        return s;
    }

    ClientConnection driver() {
        return driver;
    }

    int clientId() {
        return driver.clientId();
    }

    int sessionId() {
        return driver.sessionId();
    }

    /** @return the token the driver gave this session (known from the handshake on, even without workers) */
    long token() {
        return token;
    }

    /** @return the session's workers as the driver last reported them */
    List<WorkerInfo> workers() {
        return workers;
    }

    /** REQUEST_WORKERS: asks for n more workers; remembers the session's workers and token. */
    List<WorkerInfo> requestWorkers(int n) {
        return driver.call(Command.REQUEST_WORKERS, w -> w.putShort(n), this::assigned);
    }

    /** LIST_INACTIVE_WORKERS: the workers no session holds. */
    List<WorkerInfo> inactiveWorkers() {
        return driver.call(Command.LIST_INACTIVE_WORKERS, w -> { }, r -> {
            List<WorkerInfo> out = new ArrayList<>();
            for (int i = r.readUnsignedShort(); i > 0; i--) {
                out.add(WorkerInfo.readListing(r));
            }
            return out;
        });
    }

    /** SEND_ASSIGNED_WORKERS_INFO: the session's workers and token. */
    List<WorkerInfo> readAssigned() {
        return driver.call(Command.SEND_ASSIGNED_WORKERS_INFO, w -> { }, this::assigned);
    }

    private List<WorkerInfo> assigned(MessageReader r) {
        int n = r.readUnsignedShort();
        List<WorkerInfo> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(WorkerInfo.readAddress(r));
        }
        token = r.readLong();
        workers = List.copyOf(out);
        return workers;
    }

    /** Opens a data connection to one of this session's workers with the right IDs and token. */
    ClientConnection connectWorker(WorkerInfo w) {
        ClientConnection c = openWorker(w);
        try {
            handshakeWorker(c, clientId(), sessionId(), token);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Opens a TCP connection to a worker without shaking hands. */
    static ClientConnection openWorker(WorkerInfo w) {
        return ClientConnection.open(w.address(), w.port(), "worker " + w.id(), MAX_REPLY, null);
    }

    /**
     * Shakes hands with a worker: header IDs as given, body BYTE 3, SHORT 1234, STRING "ABCD" and, unless
     * {@code token} is null, LONG token.
     *
     * @throws AlchemistException the worker's ERROR reply
     */
    static void handshakeWorker(ClientConnection c, int clientId, int sessionId, Long token) {
        c.setIds(clientId, sessionId);
        c.call(Command.HANDSHAKE, w -> {
            w.putByte(Handshake.LANGUAGE_JAVA).putShort(Handshake.CLIENT_NUMBER).putString(Handshake.CLIENT_TEXT);
            if (token != null) {
                w.putLong(token);
            }
        }, r -> {
            if (r.readShort() != Handshake.SERVER_NUMBER || !Handshake.SERVER_TEXT.equals(r.readString())) {
                throw new AlchemistException(ErrorCode.INVALID_HANDSHAKE, "wrong handshake answer");
            }
            return null;
        });
    }

    /** @return the worker's answer to SEND_TEST_STRING */
    static String testString(ClientConnection c, String text) {
        return c.call(Command.SEND_TEST_STRING, w -> w.putString(text), MessageReader::readString);
    }

    @Override
    public void close() {
        driver.close();
    }
}
