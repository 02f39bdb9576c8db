package alchemist.protocol;

/** Command codes of the message header (PROTOCOL.md, "Commands"). */
public enum Command {
    WAIT(0),
    HANDSHAKE(1),
    REQUEST_ID(2),
    CLIENT_INFO(3),
    SEND_TEST_STRING(4),
    REQUEST_TEST_STRING(5),
    REQUEST_WORKERS(6),
    YIELD_WORKERS(7),
    SEND_ASSIGNED_WORKERS_INFO(8),
    LIST_ALL_WORKERS(9),
    LIST_ACTIVE_WORKERS(10),
    LIST_INACTIVE_WORKERS(11),
    LIST_ASSIGNED_WORKERS(12),
    LOAD_LIBRARY(13),
    RUN_TASK(14),
    UNLOAD_LIBRARY(15),
    MATRIX_INFO(16),
    MATRIX_LAYOUT(17),
    SEND_MATRIX_BLOCKS(18),
    REQUEST_MATRIX_BLOCKS(19),
    SHUT_DOWN(20),
    FREE_MATRIX(21),
    LIST_LIBRARIES(22),
    LOAD_HDF5(23),
    ERROR(255);

    private static final Command[] BY_CODE = new Command[256];

    static {
        for (Command c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;

    Command(int code) {
        this.code = code;
    }

    /** @return the wire code, 0..255 */
    public int code() {
        return code;
    }

    /**
     * @param code a header's command byte, 0..255
     * @return the command, or {@code null} for a code no command has
     */
    public static Command fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** @return "16 (MATRIX_INFO)", or "99 (UNKNOWN)" for a code no command has, as the traces print it */
    public static String describe(int code) {
        Command c = fromCode(code);
        return code + " (" + (c == null ? "UNKNOWN" : c.name()) + ")";
    }
}
