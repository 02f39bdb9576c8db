package alchemist.server.driver;

import alchemist.server.library.LoadedLibrary;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's session on the driver: its IDs, the token its data connections present to workers, the
 * workers it holds and the matrices it made. Guarded by the {@link Driver}'s lock.
 */
final class Session {
    private final int id;
    private final int clientId;
    private final long token;
    private final SortedSet<Integer> workers = new TreeSet<>();
    private final Set<Integer> matrices = ConcurrentHashMap.newKeySet();
    private final Map<Integer, LoadedLibrary> libraries = new ConcurrentHashMap<>();
    private volatile boolean ended;

    Session(int id, int clientId, long token) {
        this.id = id;
        this.clientId = clientId;
        this.token = token;
    }

    int id() {
        return id;
    }

    int clientId() {
        return clientId;
    }

    long token() {
        return token;
    }

    /** @return the session's worker IDs in ascending order (the live set; copy before iterating outside the lock) */
    SortedSet<Integer> workers() {
        return workers;
    }

    Set<Integer> matrices() {
        return matrices;
    }

    /** @return the libraries the session loaded, by ID */
    Map<Integer, LoadedLibrary> libraries() {
        return libraries;
    }

    boolean ended() {
        return ended;
    }

    void end() {
        ended = true;
    }
}
