package alchemist.client;

import alchemist.client.net.ClientConnection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Data connections shared by every thread of this JVM: one per (session, worker). A Spark executor runs
 * many tasks of one transfer, at once and one after another; they all stream through the same connection
 * to a worker (connections are pipelined and thread-safe), instead of one handshake per partition.
 * A connection the server closed (its session ended) is replaced on the next request.
 */
public final class SharedConnections {
    private static final ConcurrentHashMap<Key, ClientConnection> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong OPENED = new AtomicLong();

    /** The token tells sessions of different servers apart even if their IDs match. */
    private record Key(int sessionId, long token, int workerId) {
    }

    private SharedConnections() {
    }

    /**
     * @return this JVM's open data connection to a worker of the ticket's session, opened if needed
     * @throws alchemist.protocol.AlchemistException if it cannot be opened
     */
    public static ClientConnection get(SessionTicket ticket, int workerId) {
        Key key = new Key(ticket.sessionId(), ticket.token(), workerId);
        ClientConnection c = OPEN.get(key);
        if (c != null && c.isOpen()) {
            return c;
        }
        OPEN.values().removeIf(old -> !old.isOpen()); // connections of sessions that ended
        return OPEN.compute(key, (k, old) -> {
            if (old != null && old.isOpen()) {
                return old;
            }
            OPENED.incrementAndGet();
            return ticket.open(workerId, null);
        });
    }

    /** @return how many connections this JVM has opened so far (for tests and monitoring) */
    public static long opened() {
        return OPENED.get();
    }
}
