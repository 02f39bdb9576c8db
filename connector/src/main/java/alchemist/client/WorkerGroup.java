package alchemist.client;

import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.WorkerInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workers a session holds, and its data connections to them (the seed's {@code als.workers}).
 * {@link #connect()} opens one connection per worker and presents the session token. Thread-safe.
 */
public final class WorkerGroup {
    private final AlchemistSession session;
    private final Map<Integer, WorkerInfo> assigned = new TreeMap<>();
    private final Map<Integer, ClientConnection> connections = new TreeMap<>();
    private long token;

    WorkerGroup(AlchemistSession session) {
        this.session = session;
    }

    /** Records the session's workers and token as the driver reported them; closes connections to workers gone. */
    synchronized void assign(List<WorkerInfo> workers, long sessionToken) {
        assigned.clear();
        workers.forEach(w -> assigned.put(w.id(), w));
        token = sessionToken;
        connections.entrySet().removeIf(e -> {
            if (!assigned.containsKey(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    /** @return the session's workers, ascending by ID */
    public synchronized List<WorkerInfo> list() {
        return new ArrayList<>(assigned.values());
    }

    /** @return how many workers the session holds */
    public synchronized int size() {
        return assigned.size();
    }

    /**
     * Connects to every assigned worker not yet connected, with a handshake carrying the session token.
     *
     * @throws AlchemistException if a worker cannot be reached or refuses the token
     */
    public synchronized void connect() {
        for (WorkerInfo w : assigned.values()) {
            ClientConnection c = connections.get(w.id());
            if (c == null || !c.isOpen()) {
                connections.put(w.id(), open(w));
            }
        }
    }

    private ClientConnection open(WorkerInfo w) {
        session.log("Connecting to Alchemist worker " + w.id() + " at " + w.address() + ":" + w.port() + " ...");
        return ticket().open(w.id(), session.trace());
    }

    /** @return what another process needs to open data connections to these workers for the session */
    public synchronized SessionTicket ticket() {
        if (assigned.isEmpty()) {
            throw new AlchemistException(ErrorCode.NO_WORKERS, "the session holds no workers; call requestWorkers(n) first");
        }
        return new SessionTicket(session.clientId(), session.sessionId(), token, assigned, session.messageBytes(),
                session.window(), session.maxReplyBytes());
    }

    /**
     * Sends a test text to every worker.
     *
     * @return each worker's answer, in worker order
     */
    public List<String> sendTestString(String text) {
        List<String> answers = new ArrayList<>();
        for (ClientConnection c : connected().values()) {
            answers.add(c.call(Command.SEND_TEST_STRING, w -> w.putString(text), r -> r.readString()));
        }
        return answers;
    }

    /** Sends the seed's test text, "This is a test message from client N". */
    public List<String> sendTestString() {
        return sendTestString("This is a test message from client " + session.clientId());
    }

    /** @return each worker's test text, in worker order */
    public List<String> requestTestString() {
        List<String> answers = new ArrayList<>();
        for (ClientConnection c : connected().values()) {
            answers.add(c.call(Command.REQUEST_TEST_STRING, w -> { }, r -> r.readString()));
        }
        return answers;
    }

    /** @return the open connections by worker ID, connecting first where needed */
    synchronized Map<Integer, ClientConnection> connected() {
        if (assigned.isEmpty()) {
            throw new AlchemistException(ErrorCode.NO_WORKERS, "the session holds no workers; call requestWorkers(n) first");
        }
        connect();
        return Collections.unmodifiableMap(new TreeMap<>(connections));
    }

    /** Closes every data connection. */
    synchronized void close() {
        connections.values().forEach(ClientConnection::close);
        connections.clear();
    }
}
