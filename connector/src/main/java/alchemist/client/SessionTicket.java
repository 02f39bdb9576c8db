package alchemist.client;

import alchemist.client.net.ClientConnection;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.WorkerInfo;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What another process needs to open data connections for a session: its IDs, its token and its
 * workers' addresses, plus the session's transfer settings. A Spark driver hands one to its executors so
 * that they stream rows straight to the workers; it carries no control rights (the driver connection
 * stays with the session). Immutable.
 *
 * @param messageBytes target size of one block message
 * @param window       block messages in flight per worker connection
 * @param maxReplyBytes largest reply a data connection accepts
 */
public record SessionTicket(int clientId, int sessionId, long token, Map<Integer, WorkerInfo> workers,
        long messageBytes, int window, long maxReplyBytes) implements Serializable {

    public SessionTicket {
        workers = new TreeMap<>(workers);
    }

    /** @return the session's workers, ascending by ID */
    public List<WorkerInfo> workerList() {
        return List.copyOf(workers.values());
    }

    /**
     * Opens a data connection to one of the session's workers and presents the token.
     *
     * @param trace where to print the messages in the seed's layout, or null
     * @throws AlchemistException if the worker is not the session's, cannot be reached, or refuses the token
     */
    public ClientConnection open(int workerId, PrintStream trace) {
        WorkerInfo w = workers.get(workerId);
        if (w == null) {
            throw new AlchemistException(ErrorCode.INVALID_SESSION, "worker " + workerId + " is not one of session "
                    + sessionId + "'s workers " + workers.keySet());
        }
        ClientConnection c = ClientConnection.open(w.address(), w.port(), "worker " + w.id(), maxReplyBytes, trace);
        c.setIds(clientId, sessionId);
        c.handshake(OptionalLong.of(token));
        return c;
    }

    @Override
    public String toString() {
        return "SessionTicket[session " + sessionId + ", workers " + workers.keySet() + "]"; // never print the token
    }
}
