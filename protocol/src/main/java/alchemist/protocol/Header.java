package alchemist.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The 9-byte message header, big-endian:
 * <pre>
 *  0       2       4    5               9
 *  +-------+-------+----+---------------+------------------
 *  | u16   | u16   | u8 | u32           | body: runs ...
 *  | client| sess. | cmd| body length   |
 *  +-------+-------+----+---------------+------------------
 * </pre>
 *
 * @param clientId   client ID (0 before the handshake)
 * @param sessionId  session ID
 * @param command    command code, 0..255 (may be a code no {@link Command} has)
 * @param bodyLength bytes after the header, 0..2^32-1
 */
public record Header(int clientId, int sessionId, int command, long bodyLength) {
    /** Bytes in a header. */
    public static final int LENGTH = 9;

    /** Reads a header at {@code index} without moving the reader index; needs 9 readable bytes. */
    public static Header peek(ByteBuf buf, int index) {
        return new Header(buf.getUnsignedShort(index), buf.getUnsignedShort(index + 2),
                buf.getUnsignedByte(index + 4), buf.getUnsignedInt(index + 5));
    }

    /** @return the command, or {@code null} if the code names none */
    public Command commandOrNull() {
        return Command.fromCode(command);
    }
}
