package alchemist.server.control;

/** The driver's instructions to its workers, and their replies, carried by the {@code Communicator}. */
public enum ControlOp {
    /** Worker to driver at start: SHORT ID, STRING hostname, STRING address, SHORT port. */
    REGISTER(1),
    /** LONG token: the worker now serves the session in the header. */
    ASSIGN_SESSION(2),
    /** The worker frees the session's matrices and closes its data connections. */
    RELEASE_SESSION(3),
    /** A matrix layout (MATRIX_INFO's reply): the worker reserves its rows. */
    CREATE_MATRIX(4),
    /** SHORT matrix ID. */
    FREE_MATRIX(5),
    /** The worker stops. */
    SHUTDOWN(6),
    /** Worker to driver: SHORT error code (0 for success), STRING message, then what the operation returns. */
    REPLY(7),
    /** Driver to itself: its reply dispatcher stops. */
    STOP_DISPATCHER(8),
    /** SHORT library ID, STRING client's name, STRING jar path: the worker loads the library for the session. */
    LOAD_LIBRARY(9),
    /** SHORT library ID. */
    UNLOAD_LIBRARY(10),
    /**
     * SHORT library ID, STRING task, SHORT(k) the session's workers, SHORT(n) IDs for the matrix outputs,
     * then the arguments in the signature's types. The reply lists the outputs (see {@code TaskRunner}).
     */
    RUN_TASK(11);

    /** Tag of messages to the workers. */
    public static final int TAG_TO_WORKER = 1;
    /** Tag of messages to the driver. */
    public static final int TAG_TO_DRIVER = 2;

    private final int code;

    ControlOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for a code no operation has */
    public static ControlOp fromCode(int code) {
        for (ControlOp op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown control operation " + code);
    }
}
