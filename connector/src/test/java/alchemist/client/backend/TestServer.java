package alchemist.client.backend;

import alchemist.server.AlchemistServer;
import java.time.Duration;
import java.util.function.Consumer;

/** A server a test talks to, embedded in this JVM or an MPI job; clients reach it at {@link #host()}:{@link #port()}. */
public interface TestServer extends AutoCloseable {
    String host();

    int port();

    /** @return how many workers the server has */
    int workers();

    /**
     * Runs checks of server internals that no client can see (matrix and session counts, worker stores) if
     * the server is embedded in this JVM; an MPI server's are in other processes, and a test's protocol-level
     * checks stand alone there.
     */
    void ifEmbedded(Consumer<AlchemistServer> checks);

    /** Waits until the server has stopped (after an allowed SHUT_DOWN) and fails unless it stopped cleanly in time. */
    void awaitStop(Duration limit) throws InterruptedException;

    /** Stops the server, or gives a shared one back (failing the test if it left workers held). */
    @Override
    void close();
}
