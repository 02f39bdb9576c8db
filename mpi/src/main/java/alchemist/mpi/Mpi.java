package alchemist.mpi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * The Open MPI 4.1 C API ({@code libmpi.so.40}) as Java methods, through the Foreign Function &amp; Memory
 * API: one downcall handle per MPI routine used by {@link MpiCommunicator}, and the predefined handles.
 *
 * <p><b>How handles are found.</b> In Open MPI's ABI every predefined handle ({@code MPI_COMM_WORLD},
 * {@code MPI_DOUBLE}, {@code MPI_SUM}, {@code MPI_ERRORS_RETURN}, ...) is the address of a global object
 * of the library: {@code #define MPI_COMM_WORLD (&ompi_mpi_comm_world)} and so on. They are looked up
 * by symbol name in {@code libmpi.so.40} ({@link SymbolLookup#libraryLookup(String, Arena)}) and passed
 * as pointers; {@code MPI_Comm}, {@code MPI_Datatype}, {@code MPI_Op}, {@code MPI_Group},
 * {@code MPI_Request}, {@code MPI_Message} and {@code MPI_Errhandler} are all pointers. This is
 * specific to Open MPI (MPICH's handles are ints) and was checked against Open MPI 4.1.4's
 * {@code mpi.h}: {@code MPI_IN_PLACE} is {@code (void *) 1}, {@code MPI_STATUS_IGNORE} is NULL and
 * {@link #STATUS} is {@code struct ompi_status_public_t} (24 bytes on x86_64).
 *
 * <p><b>Errors.</b> Every wrapper passes the routine's return code to {@link #check}, the one place where
 * a code other than {@code MPI_SUCCESS} becomes an {@link MpiException} with the routine's name and
 * {@code MPI_Error_string}'s text. That only works on communicators whose error handler is
 * {@code MPI_ERRORS_RETURN} ({@link #ERRORS_RETURN}), which {@link MpiCommunicator} sets; under MPI's
 * default handler an error aborts the job before the call returns.
 *
 * <p>Buffers passed here are native segments (never Java arrays): MPI may read or write them after the
 * call returns, until the request completes.
 */
public final class Mpi {
    /** The shared object; {@code -Dalchemist.mpi.library=...} names another (say, a full path). */
    public static final String LIBRARY = System.getProperty("alchemist.mpi.library", "libmpi.so.40");

    public static final int SUCCESS = 0;
    public static final int ANY_SOURCE = -1;
    /** {@code MPI_UNDEFINED}: what {@code MPI_Get_count} gives when the size is not a whole number of elements. */
    public static final int UNDEFINED = -32766;
    public static final int THREAD_MULTIPLE = 3;
    static final int MAX_ERROR_STRING = 256;

    /**
     * {@code MPI_Status} of Open MPI 4.1: {@code { int MPI_SOURCE; int MPI_TAG; int MPI_ERROR; int
     * _cancelled; size_t _ucount; }}, 24 bytes (checked with {@code sizeof}/{@code offsetof} against the
     * installed mpi.h).
     */
    public static final StructLayout STATUS = MemoryLayout.structLayout(
            JAVA_INT.withName("MPI_SOURCE"),
            JAVA_INT.withName("MPI_TAG"),
            JAVA_INT.withName("MPI_ERROR"),
            JAVA_INT.withName("_cancelled"),
            JAVA_LONG.withName("_ucount")); // size_t: 64-bit Linux
    static final long STATUS_SOURCE = STATUS.byteOffset(MemoryLayout.PathElement.groupElement("MPI_SOURCE"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = load();

    /** {@code MPI_IN_PLACE}. */
    public static final MemorySegment IN_PLACE = MemorySegment.ofAddress(1);
    /** {@code MPI_STATUS_IGNORE}. */
    public static final MemorySegment STATUS_IGNORE = MemorySegment.NULL;

    public static final MemorySegment COMM_WORLD = symbol("ompi_mpi_comm_world");
    public static final MemorySegment COMM_NULL = symbol("ompi_mpi_comm_null");
    public static final MemorySegment BYTE = symbol("ompi_mpi_byte");
    public static final MemorySegment INT = symbol("ompi_mpi_int");
    public static final MemorySegment DOUBLE = symbol("ompi_mpi_double");
    public static final MemorySegment OP_SUM = symbol("ompi_mpi_op_sum");
    public static final MemorySegment OP_MAX = symbol("ompi_mpi_op_max");
    public static final MemorySegment OP_MIN = symbol("ompi_mpi_op_min");
    public static final MemorySegment ERRORS_RETURN = symbol("ompi_mpi_errors_return");

    private static final MethodHandle INIT_THREAD = fn("MPI_Init_thread", ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle INITIALIZED = fn("MPI_Initialized", ADDRESS);
    private static final MethodHandle FINALIZED = fn("MPI_Finalized", ADDRESS);
    private static final MethodHandle QUERY_THREAD = fn("MPI_Query_thread", ADDRESS);
    private static final MethodHandle FINALIZE = fn("MPI_Finalize");
    private static final MethodHandle ABORT = fn("MPI_Abort", ADDRESS, JAVA_INT);
    private static final MethodHandle ERROR_STRING = fn("MPI_Error_string", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle COMM_RANK = fn("MPI_Comm_rank", ADDRESS, ADDRESS);
    private static final MethodHandle COMM_SIZE = fn("MPI_Comm_size", ADDRESS, ADDRESS);
    private static final MethodHandle COMM_SET_ERRHANDLER = fn("MPI_Comm_set_errhandler", ADDRESS, ADDRESS);
    private static final MethodHandle COMM_GROUP = fn("MPI_Comm_group", ADDRESS, ADDRESS);
    private static final MethodHandle GROUP_INCL = fn("MPI_Group_incl", ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GROUP_FREE = fn("MPI_Group_free", ADDRESS);
    private static final MethodHandle COMM_CREATE_GROUP = fn("MPI_Comm_create_group", ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle COMM_FREE = fn("MPI_Comm_free", ADDRESS);
    private static final MethodHandle COMM_DUP = fn("MPI_Comm_dup", ADDRESS, ADDRESS);
    private static final MethodHandle ISEND = fn("MPI_Isend", ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle IMPROBE = fn("MPI_Improbe", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle IMRECV = fn("MPI_Imrecv", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle MRECV = fn("MPI_Mrecv", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle GET_COUNT = fn("MPI_Get_count", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle TEST = fn("MPI_Test", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle IBARRIER = fn("MPI_Ibarrier", ADDRESS, ADDRESS);
    private static final MethodHandle IBCAST = fn("MPI_Ibcast", ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle IALLREDUCE = fn("MPI_Iallreduce", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle ALLREDUCE = fn("MPI_Allreduce", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle IALLGATHER = fn("MPI_Iallgather", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle IGATHERV = fn("MPI_Igatherv", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);

    private Mpi() {
    }

    /**
     * Turns an MPI return code into an exception: the one place where codes are checked.
     *
     * @throws MpiException if {@code rc} is not {@code MPI_SUCCESS}
     */
    public static void check(String routine, int rc) {
        if (rc != SUCCESS) {
            throw new MpiException(routine, rc, errorString(rc));
        }
    }

    /** {@code MPI_Error_string}, or a placeholder if MPI does not know the code. */
    public static String errorString(int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(MAX_ERROR_STRING);
            MemorySegment length = arena.allocate(JAVA_INT);
            int rc = (int) ERROR_STRING.invokeExact(code, text, length);
            if (rc != SUCCESS) {
                return "unknown MPI error";
            }
            int n = Math.clamp(length.get(JAVA_INT, 0), 0, MAX_ERROR_STRING);
            return new String(text.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return "unknown MPI error (MPI_Error_string failed: " + t + ")";
        }
    }

    // --- environment ---------------------------------------------------------------------------------

    /** {@code MPI_Init_thread(NULL, NULL, required, &provided)}; returns {@code provided}. */
    static int initThread(int required) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment provided = arena.allocate(JAVA_INT);
            check("MPI_Init_thread", (int) INIT_THREAD.invokeExact(MemorySegment.NULL, MemorySegment.NULL, required, provided));
            return provided.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static boolean initialized() {
        return flag("MPI_Initialized", INITIALIZED);
    }

    static boolean finalized() {
        return flag("MPI_Finalized", FINALIZED);
    }

    /** {@code MPI_Query_thread}: the thread level MPI was initialized with. */
    static int queryThread() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment level = arena.allocate(JAVA_INT);
            check("MPI_Query_thread", (int) QUERY_THREAD.invokeExact(level));
            return level.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void finalizeMpi() {
        try {
            check("MPI_Finalize", (int) FINALIZE.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code MPI_Abort}: asks the runtime to kill every process of {@code comm}'s job. */
    static void abort(MemorySegment comm, int errorCode) {
        try {
            check("MPI_Abort", (int) ABORT.invokeExact(comm, errorCode));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // --- communicators and groups --------------------------------------------------------------------

    static int commRank(MemorySegment comm) {
        return intOut("MPI_Comm_rank", COMM_RANK, comm);
    }

    static int commSize(MemorySegment comm) {
        return intOut("MPI_Comm_size", COMM_SIZE, comm);
    }

    static void commSetErrhandler(MemorySegment comm, MemorySegment errhandler) {
        try {
            check("MPI_Comm_set_errhandler", (int) COMM_SET_ERRHANDLER.invokeExact(comm, errhandler));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @param groupOut where the {@code MPI_Group} handle is written */
    static void commGroup(MemorySegment comm, MemorySegment groupOut) {
        try {
            check("MPI_Comm_group", (int) COMM_GROUP.invokeExact(comm, groupOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void groupIncl(MemorySegment group, int n, MemorySegment ranks, MemorySegment groupOut) {
        try {
            check("MPI_Group_incl", (int) GROUP_INCL.invokeExact(group, n, ranks, groupOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @param groupInOut the handle, set to {@code MPI_GROUP_NULL} by MPI */
    static void groupFree(MemorySegment groupInOut) {
        try {
            check("MPI_Group_free", (int) GROUP_FREE.invokeExact(groupInOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void commCreateGroup(MemorySegment comm, MemorySegment group, int tag, MemorySegment commOut) {
        try {
            check("MPI_Comm_create_group", (int) COMM_CREATE_GROUP.invokeExact(comm, group, tag, commOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @param commOut where the new communicator's handle is written */
    static void commDup(MemorySegment comm, MemorySegment commOut) {
        try {
            check("MPI_Comm_dup", (int) COMM_DUP.invokeExact(comm, commOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @param commInOut the handle, set to {@code MPI_COMM_NULL} by MPI */
    static void commFree(MemorySegment commInOut) {
        try {
            check("MPI_Comm_free", (int) COMM_FREE.invokeExact(commInOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // --- point to point ------------------------------------------------------------------------------

    static void isend(MemorySegment buf, int count, MemorySegment type, int dest, int tag, MemorySegment comm,
            MemorySegment requestOut) {
        try {
            check("MPI_Isend", (int) ISEND.invokeExact(buf, count, type, dest, tag, comm, requestOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code MPI_Improbe}: matches (and takes) a message if one is there, so that no other thread can
     * receive it; receive it with {@link #imrecv} or {@link #mrecv}.
     *
     * @return whether a message was matched (then {@code messageOut} and {@code status} are set)
     */
    static boolean improbe(int source, int tag, MemorySegment comm, MemorySegment flag, MemorySegment messageOut,
            MemorySegment status) {
        try {
            check("MPI_Improbe", (int) IMPROBE.invokeExact(source, tag, comm, flag, messageOut, status));
            return flag.get(JAVA_INT, 0) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void imrecv(MemorySegment buf, int count, MemorySegment type, MemorySegment messageInOut,
            MemorySegment requestOut) {
        try {
            check("MPI_Imrecv", (int) IMRECV.invokeExact(buf, count, type, messageInOut, requestOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void mrecv(MemorySegment buf, int count, MemorySegment type, MemorySegment messageInOut,
            MemorySegment status) {
        try {
            check("MPI_Mrecv", (int) MRECV.invokeExact(buf, count, type, messageInOut, status));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code MPI_Get_count}: elements of {@code type} in the message; {@link #UNDEFINED} if not whole. */
    static int getCount(MemorySegment status, MemorySegment type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check("MPI_Get_count", (int) GET_COUNT.invokeExact(status, type, count));
            return count.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code MPI_Test}: whether the request completed (then MPI has freed it). Drives MPI's progress. */
    static boolean test(MemorySegment requestInOut, MemorySegment flag, MemorySegment status) {
        try {
            check("MPI_Test", (int) TEST.invokeExact(requestInOut, flag, status));
            return flag.get(JAVA_INT, 0) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // --- collectives ---------------------------------------------------------------------------------

    static void ibarrier(MemorySegment comm, MemorySegment requestOut) {
        try {
            check("MPI_Ibarrier", (int) IBARRIER.invokeExact(comm, requestOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void ibcast(MemorySegment buf, int count, MemorySegment type, int root, MemorySegment comm,
            MemorySegment requestOut) {
        try {
            check("MPI_Ibcast", (int) IBCAST.invokeExact(buf, count, type, root, comm, requestOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void iallreduce(MemorySegment sendbuf, MemorySegment recvbuf, int count, MemorySegment type,
            MemorySegment op, MemorySegment comm, MemorySegment requestOut) {
        try {
            check("MPI_Iallreduce", (int) IALLREDUCE.invokeExact(sendbuf, recvbuf, count, type, op, comm, requestOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocking {@code MPI_Allreduce}; not abortable, used only as the benchmark's baseline. */
    static void allreduce(MemorySegment sendbuf, MemorySegment recvbuf, int count, MemorySegment type,
            MemorySegment op, MemorySegment comm) {
        try {
            check("MPI_Allreduce", (int) ALLREDUCE.invokeExact(sendbuf, recvbuf, count, type, op, comm));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void iallgather(MemorySegment sendbuf, int sendcount, MemorySegment sendtype, MemorySegment recvbuf,
            int recvcount, MemorySegment recvtype, MemorySegment comm, MemorySegment requestOut) {
        try {
            check("MPI_Iallgather", (int) IALLGATHER.invokeExact(sendbuf, sendcount, sendtype, recvbuf, recvcount,
                    recvtype, comm, requestOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void igatherv(MemorySegment sendbuf, int sendcount, MemorySegment sendtype, MemorySegment recvbuf,
            MemorySegment recvcounts, MemorySegment displs, MemorySegment recvtype, int root, MemorySegment comm,
            MemorySegment requestOut) {
        try {
            check("MPI_Igatherv", (int) IGATHERV.invokeExact(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
                    recvtype, root, comm, requestOut));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // --- plumbing ------------------------------------------------------------------------------------

    private static SymbolLookup load() {
        try {
            return SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new MpiException("cannot load " + LIBRARY + " (install Open MPI 4.x: openmpi-bin, libopenmpi-dev): "
                    + e.getMessage(), e);
        }
    }

    private static MemorySegment symbol(String name) {
        return LIB.find(name).orElseThrow(() -> new MpiException(LIBRARY + " has no symbol " + name
                + ": not Open MPI 4.x? Its predefined handles are the addresses of such symbols", null));
    }

    /** A downcall returning the MPI error code. */
    private static MethodHandle fn(String name, MemoryLayout... args) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(JAVA_INT, args));
    }

    private static boolean flag(String routine, MethodHandle handle) {
        return intOut(routine, handle) != 0;
    }

    private static int intOut(String routine, MethodHandle handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(routine, (int) handle.invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int intOut(String routine, MethodHandle handle, MemorySegment comm) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(routine, (int) handle.invokeExact(comm, out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Downcalls declare Throwable; only runtime exceptions and errors can actually come out. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

}
