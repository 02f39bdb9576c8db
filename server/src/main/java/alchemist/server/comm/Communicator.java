package alchemist.server.comm;

/**
 * The processes of one Alchemist server and the messages between them, in MPI's terms: rank 0 is the
 * driver, ranks 1..N the workers. Embedded mode implements it with threads of one JVM
 * ({@link InProcessFabric}); MPI mode with Open MPI. Driver, worker and task code see only this
 * interface.
 *
 * <p>Thread-safe: several threads may send and receive at once (MPI_THREAD_MULTIPLE).
 */
public interface Communicator extends AutoCloseable {
    /** Receive from any source ({@code MPI_ANY_SOURCE}). */
    int ANY_SOURCE = -1;

    /** @return this process's rank, 0..size-1 */
    int rank();

    /** @return the number of processes */
    int size();

    /**
     * Sends a message; returns once {@code data} may be reused.
     *
     * @param data the bytes; not retained after return
     * @param dest the receiving rank
     * @param tag  a non-negative tag that the receiver selects on
     */
    void send(byte[] data, int dest, int tag);

    /**
     * Blocks until a message from {@code source} (or {@link #ANY_SOURCE}) with {@code tag} arrives.
     *
     * @throws CommunicatorClosedException if the communicator is closed while waiting
     */
    Envelope recv(int source, int tag);

    /** Releases this process's end; a blocked {@link #recv} fails with {@link CommunicatorClosedException}. */
    @Override
    void close();

    /** A received message with where it came from. */
    record Envelope(int source, int tag, byte[] data) {
    }
}
