package alchemist.protocol;

/** Codes of ERROR replies (PROTOCOL.md, "Errors"). */
public enum ErrorCode {
    INVALID_HANDSHAKE(1),
    INVALID_CLIENT_ID(2),
    INVALID_SESSION(3),
    INCONSISTENT_DATATYPES(4),
    NO_WORKERS(5),
    NON_POSITIVE_WORKER_REQUEST(6),
    UNKNOWN_COMMAND(7),
    UNKNOWN_MATRIX(8),
    BAD_BLOCK_BOUNDS(9),
    UNKNOWN_LIBRARY_OR_TASK(10),
    BAD_TASK_ARGUMENTS(11),
    TASK_FAILED(12),
    MESSAGE_TOO_LARGE(13),
    NOT_PERMITTED(14),
    INTERNAL_ERROR(15),
    NOT_ENOUGH_WORKER_MEMORY(16);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** @return the wire code */
    public int code() {
        return code;
    }

    /** @return the error with that code, or {@link #INTERNAL_ERROR} for a code no error has */
    public static ErrorCode fromCode(int code) {
        for (ErrorCode e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return INTERNAL_ERROR;
    }
}
