package alchemist.mpi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.CommunicatorClosedException;
import alchemist.server.comm.ReduceOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Communicator} over Open MPI 4.1, called through the Foreign Function &amp; Memory API
 * ({@link Mpi}): MPI mode's message passing between the driver (world rank 0) and the workers.
 * {@link #world()} initializes MPI and gives {@code MPI_COMM_WORLD}; {@link #createGroup} makes a
 * session's communicator with {@code MPI_Comm_create_group}; the collectives are MPI's own
 * ({@code MPI_Ibarrier}, {@code MPI_Ibcast}, {@code MPI_Iallreduce}, {@code MPI_Iallgather} of the
 * lengths then {@code MPI_Igatherv}), not the interface's point-to-point defaults.
 *
 * <p><b>Abort.</b> MPI cannot interrupt a blocked call, and a rank whose task failed must not leave its
 * peers waiting in a collective forever. So nothing here blocks inside MPI: every receive and
 * collective starts a nonblocking operation and polls it with {@code MPI_Test}, and between polls looks
 * for abort notices ({@code MPI_Improbe}). {@link #abort} marks the communicator aborted locally and
 * sends every other member a notice; a rank that sees it fails its blocked and later operations on that
 * communicator with {@link CommunicatorClosedException}{@code ("aborted: " + reason)}. Notices travel on
 * a private duplicate of {@code MPI_COMM_WORLD} made once at start-up and carry the communicator's
 * identity (agreed when it was made), so they never mix with user messages and never outlive their
 * communicator in a way a later one could see.
 *
 * <p><b>Cost of polling.</b> MPI moves data only inside MPI calls, so a wait must keep calling. An
 * operation first polls {@code MPI_Test} in a loop with {@link Thread#yield()} for {@code
 * alchemist.mpi.spinMicros} (default 5 ms): MPI's own latency for messages and collectives that complete
 * meanwhile, and a core handed to other processes on an oversubscribed node. After that it parks {@code
 * alchemist.mpi.parkMicros} (default 20 µs, which Linux makes ~60 µs) between polls, and 1 ms once it
 * has waited 100 ms: a waiting rank costs little CPU, at the price of tens of µs (then up to a
 * millisecond) of latency, and slow progress for a transfer still running. Collectives are therefore cut
 * into calls of {@code alchemist.mpi.collectivePieceDoubles} values (default 2<sup>17</sup>, 1 MiB) that
 * each finish within the spin phase while all ranks take part, so that a big allreduce never falls back to
 * parking. Fine for control messages and task collectives; {@link MpiAllreduceBench} measures allreduce
 * against a plain blocking {@code MPI_Allreduce}. An operation abandoned by an abort cannot be cancelled
 * in MPI: its native buffers are leaked (never freed, so MPI can still write them), and an aborted
 * communicator is never freed, so that its context ID is not reused while peers may still have messages
 * in flight to it.
 *
 * <p><b>Thread safety.</b> MPI is initialized with {@code MPI_THREAD_MULTIPLE}: any thread may send
 * and receive on any communicator at any time; receives match messages with {@code MPI_Improbe} and
 * {@code MPI_Imrecv}, so two threads receiving from {@link #ANY_SOURCE} never take the same message.
 * Collectives on one communicator must be called by one thread at a time per rank, in the same order
 * on every rank (as in MPI); different communicators may run collectives from different threads at
 * once. Concurrent {@link #createGroup} calls on one communicator are allowed when their member lists
 * differ (each gets its own {@code MPI_Comm_create_group} tag, a hash of the list into 1024 tags); two
 * concurrent calls with the same list, or with lists whose hashes collide, could be confused with each other.
 *
 * <p><b>Large buffers.</b> MPI counts are {@code int}, and Open MPI has had bugs with single messages
 * over 2 GiB. Point-to-point doubles move in messages of at most {@value #DEFAULT_MAX_CHUNK_DOUBLES}
 * (2<sup>27</sup>, 1 GiB) values, collectives in the smaller pieces above; one helper,
 * {@link #forEachChunk}, cuts both, and the piece size also bounds each operation's native staging
 * buffer. Two threads that send more than 2<sup>27</sup> doubles to the same rank with the same tag at
 * the same time would interleave their pieces.
 *
 * <p><b>Tags.</b> User tags are 0 ..&nbsp;{@value #FIRST_RESERVED_TAG}&nbsp;-&nbsp;1. Above that,
 * {@link #COLLECTIVE_TAG} belongs to the interface and the 1024 tags below it to
 * {@code MPI_Comm_create_group}, which in Open MPI 4.1 sends its internal messages on the parent
 * communicator with the caller's tag, among user messages.
 */
public final class MpiCommunicator implements Communicator {
    private static final Logger LOG = LoggerFactory.getLogger(MpiCommunicator.class);

    /** Number of tags reserved for {@code MPI_Comm_create_group}, just below {@link #COLLECTIVE_TAG}. */
    static final int GROUP_TAGS = 1024;
    /** The first tag user messages may not use. */
    public static final int FIRST_RESERVED_TAG = COLLECTIVE_TAG - GROUP_TAGS;
    /** The largest number of doubles in one point-to-point message (collectives use smaller pieces). */
    public static final int DEFAULT_MAX_CHUNK_DOUBLES = 1 << 27;
    /** Abort reasons are cut to this many bytes of UTF-8 so that a notice is always a small (eager) message. */
    static final int MAX_REASON_BYTES = 1024;
    private static final int NOTICE_TAG = 1;

    /** Most doubles per message, and a cap on collective pieces; tests lower it to exercise chunking on small arrays. */
    static volatile int maxChunkDoubles = DEFAULT_MAX_CHUNK_DOUBLES;
    /**
     * Values per collective call ({@code -Dalchemist.mpi.collectivePieceDoubles}, default 2<sup>17</sup>, 1 MiB):
     * small enough that each call ends within the spin phase while every rank takes part.
     */
    static volatile int collectivePieceDoubles = Integer.getInteger("alchemist.mpi.collectivePieceDoubles", 1 << 17);

    private static final long SPIN_NANOS = 1000L * Long.getLong("alchemist.mpi.spinMicros", 5000);
    private static final long PARK_NANOS = 1000L * Long.getLong("alchemist.mpi.parkMicros", 20);
    /** After this long a wait is idle (a peer is absent, or no message is coming): poll every millisecond. */
    private static final long IDLE_NANOS = 100_000_000L;
    private static final long IDLE_PARK_NANOS = 1_000_000L;

    private static final Object LIFECYCLE = new Object();
    private static MpiCommunicator world; // guarded by LIFECYCLE
    private static boolean finalized; // guarded by LIFECYCLE
    /** Private duplicate of MPI_COMM_WORLD that carries abort notices. */
    private static volatile MemorySegment noticeComm;
    /** Aborted communicators by identity, with the reason: filled by whichever thread receives a notice. */
    private static final Map<Long, String> ABORTED = new ConcurrentHashMap<>();
    /** Notice sends not yet known to be complete (their buffers must live until they are). */
    private static final List<Pending> NOTICES_IN_FLIGHT = new ArrayList<>(); // guarded by itself
    /** Groups this process led the creation of; with its world rank, makes each group's identity unique. */
    private static final AtomicInteger GROUPS_LED = new AtomicInteger();
    private static final AtomicLong LEAKED_BYTES = new AtomicLong();

    private final MemorySegment comm;
    private final long id;
    private final int[] worldRanks;
    private final int rank;
    private final int size;
    private final String name;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean noticesSent = new AtomicBoolean();
    private volatile boolean closed;
    private volatile String abortReason;

    private MpiCommunicator(MemorySegment comm, long id, int[] worldRanks, String name) {
        this.comm = comm;
        this.id = id;
        this.worldRanks = worldRanks;
        this.rank = Mpi.commRank(comm);
        this.size = Mpi.commSize(comm);
        this.name = name;
        if (size != worldRanks.length) {
            throw new IllegalStateException(name + " has " + size + " ranks, expected " + worldRanks.length);
        }
    }

    /**
     * This process's end of {@code MPI_COMM_WORLD}, initializing MPI with {@code MPI_THREAD_MULTIPLE} on the
     * first call (which every rank must make: it duplicates the world communicator for abort notices).
     * Nothing is registered to run at shutdown: call {@link #finalizeMpi()} before the process exits. Without
     * {@code mpirun} MPI starts as a singleton of size 1.
     *
     * @throws MpiException if {@code libmpi.so.40} is missing, MPI fails to start or lacks MPI_THREAD_MULTIPLE
     * @throws IllegalStateException after {@link #finalizeMpi()}: MPI cannot be initialized twice
     */
    public static MpiCommunicator world() {
        synchronized (LIFECYCLE) {
            if (finalized) {
                throw new IllegalStateException("MPI was finalized; it cannot be initialized again in this process");
            }
            if (world != null) {
                return world;
            }
            int level = alreadyInitialized() ? Mpi.queryThread() : Mpi.initThread(Mpi.THREAD_MULTIPLE);
            if (level < Mpi.THREAD_MULTIPLE) {
                throw new MpiException("MPI provides thread level " + level + "; MpiCommunicator needs MPI_THREAD_MULTIPLE ("
                        + Mpi.THREAD_MULTIPLE + ")", null);
            }
            Mpi.commSetErrhandler(Mpi.COMM_WORLD, Mpi.ERRORS_RETURN);
            MemorySegment out = Arena.global().allocate(ADDRESS);
            Mpi.commDup(Mpi.COMM_WORLD, out);
            MemorySegment notices = out.get(ADDRESS, 0);
            Mpi.commSetErrhandler(notices, Mpi.ERRORS_RETURN);
            noticeComm = notices;
            int n = Mpi.commSize(Mpi.COMM_WORLD);
            int[] ranks = new int[n];
            Arrays.setAll(ranks, i -> i);
            world = new MpiCommunicator(Mpi.COMM_WORLD, 0L, ranks, "MPI_COMM_WORLD");
            return world;
        }
    }

    /** {@code MPI_Initialized}, the first MPI call; reports a missing or foreign libmpi as an {@link MpiException}. */
    private static boolean alreadyInitialized() {
        try {
            return Mpi.initialized();
        } catch (ExceptionInInitializerError e) {
            throw e.getCause() instanceof MpiException m ? m : new MpiException("cannot bind " + Mpi.LIBRARY, e.getCause());
        } catch (NoClassDefFoundError e) {
            throw new MpiException("the MPI bindings failed to load earlier in this process", e);
        }
    }

    /**
     * Closes the world communicator (waiting for operations in progress on it to notice) and calls
     * {@code MPI_Finalize}. Call it once, at the end of the process, after every rank has stopped
     * communicating; MPI cannot be initialized again afterwards. Does nothing if MPI was never started here.
     */
    public static void finalizeMpi() {
        synchronized (LIFECYCLE) {
            if (finalized || world == null) {
                return;
            }
            world.close();
            reapNotices(true);
            if (!Mpi.finalized()) {
                Mpi.finalizeMpi();
            }
            finalized = true;
            long leaked = LEAKED_BYTES.get();
            if (leaked > 0) {
                LOG.debug("{} bytes of native buffers of aborted MPI operations were never freed", leaked);
            }
        }
    }

    /**
     * {@code MPI_Abort} on {@code MPI_COMM_WORLD}: the runtime kills every process of the job. For failures
     * that leave the whole server unusable; a failed task uses {@link #abort(String)}.
     */
    public static void abortJob(int errorCode) {
        Mpi.abort(Mpi.COMM_WORLD, errorCode);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void send(byte[] data, int dest, int tag) {
        checkTag(tag);
        enter("send");
        try (Op op = new Op()) {
            MemorySegment buf = op.allocate(data.length);
            MemorySegment.copy(data, 0, buf, JAVA_BYTE, 0, data.length);
            Mpi.isend(buf, data.length, Mpi.BYTE, dest, tag, comm, op.request);
            op.started();
            op.await("MPI_Isend");
        } finally {
            exit();
        }
    }

    @Override
    public Envelope recv(int source, int tag) {
        checkTag(tag);
        enter("recv");
        try (Op op = new Op()) {
            op.probe(source, tag);
            int from = op.status.get(JAVA_INT, Mpi.STATUS_SOURCE);
            int count = Mpi.getCount(op.status, Mpi.BYTE);
            MemorySegment buf = op.allocate(count);
            op.receiveMatched(buf, count, Mpi.BYTE);
            return new Envelope(from, tag, buf.toArray(JAVA_BYTE));
        } finally {
            exit();
        }
    }

    @Override
    public void sendDoubles(double[] buf, int offset, int length, int dest, int tag) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        checkTag(tag);
        int piece = maxChunkDoubles;
        enter("sendDoubles");
        try (Op op = new Op()) {
            MemorySegment seg = op.doubles(Math.min(length, piece));
            forEachChunk(length, piece, (from, n) -> {
                MemorySegment.copy(buf, offset + from, seg, JAVA_DOUBLE, 0, n);
                Mpi.isend(seg, n, Mpi.DOUBLE, dest, tag, comm, op.request);
                op.started();
                op.await("MPI_Isend");
            });
        } finally {
            exit();
        }
    }

    @Override
    public void recvDoubles(double[] buf, int offset, int length, int source, int tag) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        checkTag(tag);
        int piece = maxChunkDoubles;
        enter("recvDoubles");
        try (Op op = new Op()) {
            MemorySegment seg = op.doubles(Math.min(length, piece));
            int[] src = {source}; // the pieces after the first come from wherever the first came from
            forEachChunk(length, piece, (from, n) -> {
                op.probe(src[0], tag);
                src[0] = op.status.get(JAVA_INT, Mpi.STATUS_SOURCE);
                int count = Mpi.getCount(op.status, Mpi.DOUBLE);
                if (count != n) {
                    // Take the message anyway (MPI_Improbe matched it), so that the next receive is not confused.
                    int bytes = Mpi.getCount(op.status, Mpi.BYTE);
                    boolean whole = count != Mpi.UNDEFINED;
                    op.receiveMatched(op.allocate(whole ? 8L * count : bytes), whole ? count : bytes, whole ? Mpi.DOUBLE : Mpi.BYTE);
                    throw new IllegalStateException("expected " + n + " doubles from rank " + src[0] + " (tag " + tag + ") on "
                            + name + ", got " + (whole ? count + " doubles" : bytes + " bytes"));
                }
                op.receiveMatched(seg, n, Mpi.DOUBLE);
                MemorySegment.copy(seg, JAVA_DOUBLE, 0, buf, offset + from, n);
            });
        } finally {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code MPI_Comm_group} + {@code MPI_Group_incl} + {@code MPI_Comm_create_group}, then the new
     * communicator's rank 0 makes up its identity (its world rank and a count) and broadcasts it. Creation
     * itself blocks inside MPI and is not abortable.
     *
     * @throws IllegalArgumentException if this rank is not among {@code ranks}, or they repeat or are out of range
     */
    @Override
    public Communicator createGroup(int[] ranks) {
        int[] members = ranks.clone();
        int myIndex = -1;
        boolean[] seen = new boolean[size];
        for (int i = 0; i < members.length; i++) {
            int r = members[i];
            if (r < 0 || r >= size || seen[r]) {
                throw new IllegalArgumentException("bad group " + Arrays.toString(members) + " of " + name + " (size "
                        + size + "): ranks must be distinct, 0.." + (size - 1));
            }
            seen[r] = true;
            if (r == rank) {
                myIndex = i;
            }
        }
        if (myIndex < 0) {
            throw new IllegalArgumentException("rank " + rank + " is not among " + Arrays.toString(members));
        }
        int tag = FIRST_RESERVED_TAG + Math.floorMod(Arrays.hashCode(members), GROUP_TAGS);
        int[] groupWorldRanks = new int[members.length];
        for (int i = 0; i < members.length; i++) {
            groupWorldRanks[i] = worldRanks[members[i]];
        }
        enter("createGroup");
        try {
            MemorySegment handle;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment group = arena.allocate(ADDRESS);
                MemorySegment subgroup = arena.allocate(ADDRESS);
                MemorySegment newComm = arena.allocate(ADDRESS);
                Mpi.commGroup(comm, group);
                try {
                    Mpi.groupIncl(group.get(ADDRESS, 0), members.length, arena.allocateFrom(JAVA_INT, members), subgroup);
                    try {
                        Mpi.commCreateGroup(comm, subgroup.get(ADDRESS, 0), tag, newComm);
                    } finally {
                        Mpi.groupFree(subgroup);
                    }
                } finally {
                    Mpi.groupFree(group);
                }
                handle = newComm.get(ADDRESS, 0);
            }
            if (handle.address() == Mpi.COMM_NULL.address()) {
                throw new IllegalStateException("MPI_Comm_create_group gave MPI_COMM_NULL to member " + rank);
            }
            Mpi.commSetErrhandler(handle, Mpi.ERRORS_RETURN);
            int newRank = Mpi.commRank(handle);
            if (newRank != myIndex) {
                throw new IllegalStateException("MPI_Comm_create_group gave rank " + newRank + ", expected " + myIndex);
            }
            long groupId = agreeOnIdentity(handle, newRank == 0 ? worldRanks[rank] : -1);
            return new MpiCommunicator(handle, groupId, groupWorldRanks,
                    "group " + Arrays.toString(groupWorldRanks) + " #" + Long.toHexString(groupId));
        } finally {
            exit();
        }
    }

    /**
     * The new communicator's rank 0 names it (its world rank, and how many groups it has led) and broadcasts
     * the name, which abort notices then carry. Polled like every operation of this (the parent) communicator.
     */
    private long agreeOnIdentity(MemorySegment newComm, int leaderWorldRank) {
        try (Op op = new Op()) {
            MemorySegment seg = op.allocate(8);
            if (leaderWorldRank >= 0) {
                seg.set(JAVA_LONG, 0, ((long) leaderWorldRank << 32) | (GROUPS_LED.incrementAndGet() & 0xffffffffL));
            }
            Mpi.ibcast(seg, 8, Mpi.BYTE, 0, newComm, op.request);
            op.started();
            op.await("MPI_Ibcast");
            return seg.get(JAVA_LONG, 0);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Marks this communicator aborted here (this rank's blocked operations on it fail too) and sends every
     * other member a notice on the private notice communicator; returns without waiting for anyone. Only the
     * first call sends notices.
     */
    @Override
    public void abort(String reason) {
        String why = reason == null ? "no reason given" : reason;
        recordAbort(id, why);
        if (closed || !noticesSent.compareAndSet(false, true)) {
            return;
        }
        byte[] text = why.getBytes(StandardCharsets.UTF_8);
        byte[] notice = ByteBuffer.allocate(8 + Math.min(text.length, MAX_REASON_BYTES)).order(ByteOrder.nativeOrder())
                .putLong(id).put(text, 0, Math.min(text.length, MAX_REASON_BYTES)).array();
        users.incrementAndGet();
        try {
            reapNotices(false);
            for (int r = 0; r < size; r++) {
                if (r != rank) {
                    sendNotice(notice, worldRanks[r]);
                }
            }
        } catch (MpiException e) {
            LOG.warn("could not tell every rank of {} that it was aborted", name, e);
        } finally {
            users.decrementAndGet();
        }
    }

    @Override
    public void barrier() {
        enter("barrier");
        try (Op op = new Op()) {
            Mpi.ibarrier(comm, op.request);
            op.started();
            op.await("MPI_Ibarrier");
        } finally {
            exit();
        }
    }

    @Override
    public void bcast(double[] buf, int offset, int length, int root) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        int piece = collectivePiece();
        enter("bcast");
        try (Op op = new Op()) {
            MemorySegment seg = op.doubles(Math.min(length, piece));
            forEachChunk(length, piece, (from, n) -> {
                if (rank == root) {
                    MemorySegment.copy(buf, offset + from, seg, JAVA_DOUBLE, 0, n);
                }
                Mpi.ibcast(seg, n, Mpi.DOUBLE, root, comm, op.request);
                op.started();
                op.await("MPI_Ibcast");
                if (rank != root) {
                    MemorySegment.copy(seg, JAVA_DOUBLE, 0, buf, offset + from, n);
                }
            });
        } finally {
            exit();
        }
    }

    @Override
    public void allreduce(double[] buf, int offset, int length, ReduceOp op) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        MemorySegment mpiOp = switch (op) {
            case SUM -> Mpi.OP_SUM;
            case MAX -> Mpi.OP_MAX;
            case MIN -> Mpi.OP_MIN;
        };
        int piece = collectivePiece();
        enter("allreduce");
        try (Op o = new Op()) {
            MemorySegment seg = o.doubles(Math.min(length, piece));
            forEachChunk(length, piece, (from, n) -> {
                MemorySegment.copy(buf, offset + from, seg, JAVA_DOUBLE, 0, n);
                Mpi.iallreduce(Mpi.IN_PLACE, seg, n, Mpi.DOUBLE, mpiOp, comm, o.request);
                o.started();
                o.await("MPI_Iallreduce");
                MemorySegment.copy(seg, JAVA_DOUBLE, 0, buf, offset + from, n);
            });
        } finally {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code MPI_Iallgather} of the lengths (every rank needs the longest to know how many pieces there
     * are), then one {@code MPI_Igatherv} per piece of at most {@code maxChunkDoubles / size} values per rank.
     */
    @Override
    public double[][] gather(double[] local, int root) {
        int perRank = Math.max(1, collectivePiece() / size);
        enter("gather");
        try (Op op = new Op()) {
            int[] lengths = allgatherLength(op, local.length);
            int longest = Arrays.stream(lengths).max().orElse(0);
            long roundTotal = Arrays.stream(lengths).mapToLong(len -> Math.min(len, perRank)).sum();
            MemorySegment send = op.doubles(Math.min(local.length, perRank));
            MemorySegment recv = op.doubles(rank == root ? (int) roundTotal : 0);
            MemorySegment countsSeg = op.allocate(4L * size);
            MemorySegment displsSeg = op.allocate(4L * size);
            double[][] all = rank == root ? new double[size][] : null;
            if (all != null) {
                for (int r = 0; r < size; r++) {
                    all[r] = new double[lengths[r]];
                }
            }
            int[] counts = new int[size];
            int[] displs = new int[size];
            forEachChunk(longest, perRank, (from, n) -> {
                int total = 0;
                for (int r = 0; r < size; r++) {
                    counts[r] = Math.clamp((long) lengths[r] - from, 0, n);
                    displs[r] = total;
                    total += counts[r];
                }
                MemorySegment.copy(counts, 0, countsSeg, JAVA_INT, 0, size);
                MemorySegment.copy(displs, 0, displsSeg, JAVA_INT, 0, size);
                int mine = counts[rank];
                if (mine > 0) {
                    MemorySegment.copy(local, from, send, JAVA_DOUBLE, 0, mine);
                }
                Mpi.igatherv(send, mine, Mpi.DOUBLE, recv, countsSeg, displsSeg, Mpi.DOUBLE, root, comm, op.request);
                op.started();
                op.await("MPI_Igatherv");
                if (all != null) {
                    for (int r = 0; r < size; r++) {
                        if (counts[r] > 0) {
                            MemorySegment.copy(recv, JAVA_DOUBLE, 8L * displs[r], all[r], from, counts[r]);
                        }
                    }
                }
            });
            return all;
        } finally {
            exit();
        }
    }

    private int[] allgatherLength(Op op, int length) {
        MemorySegment mine = op.ints(new int[] {length});
        MemorySegment all = op.allocate(4L * size);
        Mpi.iallgather(mine, 1, Mpi.INT, all, 1, Mpi.INT, comm, op.request);
        op.started();
        op.await("MPI_Iallgather");
        return all.toArray(JAVA_INT);
    }

    private static int collectivePiece() {
        return Math.min(maxChunkDoubles, collectivePieceDoubles);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Waits until no thread is inside an operation on this communicator (blocked ones see the close and
     * fail within a poll), then frees it with {@code MPI_Comm_free} unless it was aborted (see the class
     * comment). The world communicator is never freed; {@link #finalizeMpi()} ends MPI.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        while (users.get() > 0) {
            LockSupport.parkNanos(50_000);
        }
        if (comm.address() == Mpi.COMM_WORLD.address()) {
            return;
        }
        if (abortReason() != null) {
            LOG.debug("{} was aborted; not freeing it, so that its context ID is never reused", name);
            return;
        }
        ABORTED.remove(id);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ADDRESS);
            handle.set(ADDRESS, 0, comm);
            Mpi.commFree(handle);
        }
    }

    @Override
    public String toString() {
        return "MpiCommunicator[" + name + ", rank " + rank + " of " + size + "]";
    }

    // --- chunking ------------------------------------------------------------------------------------

    /** One piece of a chunked operation: values {@code [from, from + n)}. */
    @FunctionalInterface
    interface Piece {
        void run(int from, int n);
    }

    /**
     * Cuts {@code [0, length)} into pieces of at most {@code max} values and runs {@code piece} on each in
     * order; at least once, with {@code n == 0}, when {@code length} is 0, so that an empty send is still a
     * message and every rank makes the same calls.
     */
    static void forEachChunk(int length, int max, Piece piece) {
        if (max <= 0) {
            throw new IllegalArgumentException("chunk size " + max);
        }
        int from = 0;
        do {
            int n = Math.min(max, length - from);
            piece.run(from, n);
            from += n;
        } while (from < length);
    }

    // --- waiting, abort and lifecycle ----------------------------------------------------------------

    /**
     * Polls until {@code done} says so, spinning first and then parking briefly; between polls fails with
     * {@link CommunicatorClosedException} if this communicator was aborted (here or by a notice) or closed,
     * or the thread interrupted.
     */
    private void waitUntil(BooleanSupplier done, String what, Op op) {
        long start = System.nanoTime();
        for (int polls = 1; ; polls++) {
            if (done.getAsBoolean()) {
                return;
            }
            long waited = System.nanoTime() - start;
            boolean spinning = waited < SPIN_NANOS;
            if (!spinning || (polls & 15) == 0) {
                pollNotices(op);
            }
            failIfStopped(what);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new CommunicatorClosedException("interrupted during " + what + " on " + name);
            }
            if (spinning) {
                Thread.yield(); // not onSpinWait: JVM ranks often share cores (oversubscribed), and MPI progresses only in these calls
            } else {
                LockSupport.parkNanos(waited < IDLE_NANOS ? PARK_NANOS : IDLE_PARK_NANOS);
            }
        }
    }

    private void failIfStopped(String what) {
        String reason = abortReason();
        if (reason != null) {
            throw new CommunicatorClosedException("aborted: " + reason);
        }
        if (closed) {
            throw new CommunicatorClosedException("communicator " + name + " closed during " + what);
        }
    }

    private String abortReason() {
        String reason = abortReason;
        if (reason == null && !ABORTED.isEmpty()) {
            reason = ABORTED.get(id);
            if (reason != null) {
                abortReason = reason;
            }
        }
        return reason;
    }

    private void recordAbort(long communicatorId, String reason) {
        ABORTED.putIfAbsent(communicatorId, reason);
        if (communicatorId == id && abortReason == null) {
            abortReason = reason;
        }
    }

    /** Receives any abort notices that have arrived for this process, whichever communicator they are for. */
    private void pollNotices(Op op) {
        MemorySegment notices = noticeComm;
        while (Mpi.improbe(Mpi.ANY_SOURCE, NOTICE_TAG, notices, op.noticeFlag, op.noticeMessage, op.noticeStatus)) {
            int bytes = Mpi.getCount(op.noticeStatus, Mpi.BYTE);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(Math.max(bytes, 8));
                Mpi.mrecv(buf, bytes, Mpi.BYTE, op.noticeMessage, Mpi.STATUS_IGNORE);
                if (bytes < 8) {
                    LOG.warn("ignoring a malformed abort notice of {} bytes", bytes);
                    continue;
                }
                long target = buf.get(JAVA_LONG, 0);
                String reason = new String(buf.asSlice(8, bytes - 8).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
                recordAbort(target, reason);
            }
        }
    }

    private static void sendNotice(byte[] notice, int worldDest) {
        Arena arena = Arena.ofShared();
        MemorySegment request = arena.allocate(ADDRESS);
        MemorySegment buf = arena.allocate(notice.length);
        MemorySegment.copy(notice, 0, buf, JAVA_BYTE, 0, notice.length);
        try {
            Mpi.isend(buf, notice.length, Mpi.BYTE, worldDest, NOTICE_TAG, noticeComm, request);
        } catch (MpiException e) {
            arena.close();
            throw e;
        }
        synchronized (NOTICES_IN_FLIGHT) {
            NOTICES_IN_FLIGHT.add(new Pending(arena, request));
        }
    }

    /** Frees the buffers of notice sends that completed; at the end, gives the others a moment, then leaks them. */
    private static void reapNotices(boolean last) {
        long deadline = System.nanoTime() + (last ? 100_000_000L : 0);
        synchronized (NOTICES_IN_FLIGHT) {
            do {
                for (Iterator<Pending> it = NOTICES_IN_FLIGHT.iterator(); it.hasNext(); ) {
                    Pending p = it.next();
                    try (Arena scratch = Arena.ofConfined()) {
                        if (Mpi.test(p.request(), scratch.allocate(JAVA_INT), Mpi.STATUS_IGNORE)) {
                            it.remove();
                            p.arena().close();
                        }
                    }
                }
            } while (!NOTICES_IN_FLIGHT.isEmpty() && System.nanoTime() < deadline && sleptBriefly());
            if (last && !NOTICES_IN_FLIGHT.isEmpty()) {
                LOG.debug("{} abort notices were still in flight at MPI_Finalize", NOTICES_IN_FLIGHT.size());
                NOTICES_IN_FLIGHT.clear();
            }
        }
    }

    private static boolean sleptBriefly() {
        LockSupport.parkNanos(1_000_000);
        return true;
    }

    private record Pending(Arena arena, MemorySegment request) {
    }

    private void enter(String what) {
        users.incrementAndGet();
        try {
            failIfStopped(what);
        } catch (RuntimeException e) {
            users.decrementAndGet();
            throw e;
        }
    }

    private void exit() {
        users.decrementAndGet();
    }

    private static void checkTag(int tag) {
        if (tag < 0 || tag >= FIRST_RESERVED_TAG) {
            throw new IllegalArgumentException("tag " + tag + " is outside 0.." + (FIRST_RESERVED_TAG - 1)
                    + " (the tags above are reserved)");
        }
    }

    /**
     * One nonblocking MPI operation: its request, status and probe slots and its staging buffers, in one
     * confined arena. Closing frees them, unless the operation was started and never completed (the wait
     * was abandoned): MPI may still write those buffers, so they are leaked instead.
     */
    private final class Op implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment slots = arena.allocate(96, 8);
        final MemorySegment request = slots.asSlice(0, 8);
        final MemorySegment message = slots.asSlice(8, 8);
        final MemorySegment noticeMessage = slots.asSlice(16, 8);
        final MemorySegment flag = slots.asSlice(24, 4);
        final MemorySegment noticeFlag = slots.asSlice(28, 4);
        final MemorySegment status = slots.asSlice(32, Mpi.STATUS.byteSize());
        final MemorySegment noticeStatus = slots.asSlice(64, Mpi.STATUS.byteSize());
        private long bytes = slots.byteSize();
        private boolean inFlight;

        MemorySegment allocate(long n) {
            bytes += n;
            return arena.allocate(n, 8);
        }

        MemorySegment doubles(int n) {
            return allocate(8L * n);
        }

        MemorySegment ints(int[] values) {
            bytes += 4L * values.length;
            return arena.allocateFrom(JAVA_INT, values);
        }

        void started() {
            inFlight = true;
        }

        void await(String routine) {
            waitUntil(this::test, routine, this);
            inFlight = false;
        }

        private boolean test() {
            try {
                return Mpi.test(request, flag, status);
            } catch (MpiException e) {
                inFlight = false; // MPI_Test reported the operation's own error: it is over, its buffers free
                throw e;
            }
        }

        /** Waits for a message from {@code source} with {@code tag} and takes it (to {@link #message}, {@link #status}). */
        void probe(int source, int tag) {
            waitUntil(() -> Mpi.improbe(source, tag, comm, flag, message, status), "receive from "
                    + (source == ANY_SOURCE ? "any rank" : "rank " + source) + " (tag " + tag + ")", this);
        }

        /** Receives the message {@link #probe} took. */
        void receiveMatched(MemorySegment buf, int count, MemorySegment type) {
            Mpi.imrecv(buf, count, type, message, request);
            started();
            await("MPI_Imrecv");
        }

        @Override
        public void close() {
            if (inFlight) {
                LEAKED_BYTES.addAndGet(bytes);
            } else {
                arena.close();
            }
        }
    }
}
