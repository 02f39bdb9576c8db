package alchemist.protocol;

/**
 * The value types a message body may hold, with their wire codes and sizes (PROTOCOL.md).
 * A run of {@code count} values of one type occupies {@code count * size} bytes; a STRING run holds
 * one UTF-8 string and its count is its length in bytes.
 */
public enum Datatype {
    NONE(0, 0),
    CHAR(1, 1),
    FLOAT(15, 4),
    DOUBLE(16, 8),
    BYTE(18, 1),
    SHORT(34, 2),
    INT(35, 4),
    LONG(36, 8),
    STRING(46, 1),
    COMMAND_CODE(47, 1),
    MATRIX_ID(53, 2);

    private static final Datatype[] BY_CODE = new Datatype[256];

    static {
        for (Datatype t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int size;

    Datatype(int code, int size) {
        this.code = code;
        this.size = size;
    }

    /** @return the wire code of this type */
    public int code() {
        return code;
    }

    /** @return bytes per value (per byte of text for STRING) */
    public int size() {
        return size;
    }

    /**
     * @param code a wire code, 0..255
     * @return the type with that code, or {@code null} if no type has it
     */
    public static Datatype fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
