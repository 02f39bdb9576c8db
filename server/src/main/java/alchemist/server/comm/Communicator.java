package alchemist.server.comm;

/**
 * The processes of one Alchemist server and the messages between them, in MPI's terms: in the world
 * communicator rank 0 is the driver and ranks 1..N the workers; a session's workers get a communicator
 * of their own ({@link #createGroup}) for its tasks. Embedded mode implements it with threads of one
 * JVM ({@link InProcessFabric}); MPI mode with Open MPI. Driver, worker and task code see only this
 * interface.
 *
 * <p>Collectives are called by every rank of the communicator in the same order, as in MPI; their
 * default implementations here use point-to-point messages on a reserved tag, and an MPI
 * implementation replaces them with MPI's own. Thread-safe: several threads may send and receive at
 * once (MPI_THREAD_MULTIPLE), but collectives on one communicator are called from one thread per rank.
 */
public interface Communicator extends AutoCloseable {
    /** Receive from any source ({@code MPI_ANY_SOURCE}). */
    int ANY_SOURCE = -1;
    /** The tag the default collectives use; user messages use smaller tags. */
    int COLLECTIVE_TAG = Integer.MAX_VALUE - 1;

    /** @return this process's rank, 0..size-1 */
    int rank();

    /** @return the number of processes */
    int size();

    /**
     * Sends bytes; returns once {@code data} may be reused.
     *
     * @param dest the receiving rank
     * @param tag  a non-negative tag that the receiver selects on
     */
    void send(byte[] data, int dest, int tag);

    /**
     * Blocks until a message from {@code source} (or {@link #ANY_SOURCE}) with {@code tag} arrives.
     *
     * @throws CommunicatorClosedException if the communicator is closed or aborted while waiting
     */
    Envelope recv(int source, int tag);

    /** Sends {@code length} doubles of {@code buf} from {@code offset}. */
    void sendDoubles(double[] buf, int offset, int length, int dest, int tag);

    /**
     * Receives exactly {@code length} doubles into {@code buf} from {@code offset}.
     *
     * @throws IllegalStateException if the message holds another number of values
     */
    void recvDoubles(double[] buf, int offset, int length, int source, int tag);

    /**
     * Makes a communicator of some of this one's ranks ({@code MPI_Comm_create_group}): collective over
     * exactly those ranks, each of which calls it with the same array. Its rank i is {@code ranks[i]} here.
     * Messages on it never mix with messages on any other communicator.
     */
    Communicator createGroup(int[] ranks);

    /**
     * Fails every blocked and later receive on this communicator, on every rank, with
     * {@link CommunicatorClosedException} carrying {@code reason}: a rank whose task failed calls it so
     * that its peers stop waiting for it.
     */
    void abort(String reason);

    /** Blocks until every rank has called it. */
    default void barrier() {
        PointToPointCollectives.barrier(this);
    }

    /** Broadcasts {@code length} values of root's {@code buf} into everyone's. */
    default void bcast(double[] buf, int offset, int length, int root) {
        PointToPointCollectives.bcast(this, buf, offset, length, root);
    }

    /** Combines everyone's {@code buf} element-wise with {@code op}; everyone gets the result, in place. */
    default void allreduce(double[] buf, int offset, int length, ReduceOp op) {
        PointToPointCollectives.allreduce(this, buf, offset, length, op);
    }

    /** As {@link #allreduce(double[], int, int, ReduceOp)} on the whole array. */
    default void allreduce(double[] buf, ReduceOp op) {
        allreduce(buf, 0, buf.length, op);
    }

    /**
     * Gathers everyone's {@code local} (lengths may differ) on {@code root}.
     *
     * @return on root, the arrays by rank; elsewhere null
     */
    default double[][] gather(double[] local, int root) {
        return PointToPointCollectives.gather(this, local, root);
    }

    /** Releases this process's end; a blocked {@link #recv} fails with {@link CommunicatorClosedException}. */
    @Override
    void close();

    /** A received message with where it came from. */
    record Envelope(int source, int tag, byte[] data) {
    }
}
