package alchemist.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Prints a message field by field in the layout of the seed's traces:
 * <pre>
 *                          Client ID:           1
 *                          Session ID:          0
 *                          Command code:        16 (MATRIX_INFO)
 *                          Message body length: 28
 *                          ----------------------------------------------
 *                          Datatype (length):   BYTE (2)
 *                          Data:                0 0
 * </pre>
 * Long runs are cut after {@code maxValues} values with the number left out. Never changes the buffer.
 */
public final class TracePrinter {
    private static final String INDENT = " ".repeat(25);
    private final int maxValues;

    /** @param maxValues how many values of a run to print before cutting it */
    public TracePrinter(int maxValues) {
        this.maxValues = maxValues;
    }

    public TracePrinter() {
        this(64);
    }

    /** Formats a whole message (header and body) starting at the buffer's reader index. */
    public String format(ByteBuf message) {
        if (message.readableBytes() < Header.LENGTH) {
            return INDENT + "(truncated header: " + message.readableBytes() + " bytes)\n";
        }
        Header header = Header.peek(message, message.readerIndex());
        int available = message.readableBytes() - Header.LENGTH;
        int bodyBytes = (int) Math.min(header.bodyLength(), available);
        return format(header, message.slice(message.readerIndex() + Header.LENGTH, bodyBytes));
    }

    /** Formats a header and its body (the body's readable bytes). */
    public String format(Header header, ByteBuf body) {
        StringBuilder out = new StringBuilder(" \n");
        line(out, "Client ID:          ", String.valueOf(header.clientId()));
        line(out, "Session ID:         ", String.valueOf(header.sessionId()));
        line(out, "Command code:       ", Command.describe(header.command()));
        line(out, "Message body length:", String.valueOf(header.bodyLength()));
        out.append(INDENT).append("----------------------------------------------\n");
        ByteBuf view = body.duplicate();
        boolean first = true;
        while (view.isReadable()) {
            if (!first) {
                out.append(" \n");
            }
            first = false;
            if (view.readableBytes() < Runs.HEADER_LENGTH) {
                line(out, "(truncated run header)", "");
                break;
            }
            int code = view.readUnsignedByte();
            long count = view.readUnsignedInt();
            Datatype type = Datatype.fromCode(code);
            if (type == null || type == Datatype.NONE || count * type.size() > view.readableBytes()) {
                line(out, "Datatype (length):  ", (type == null ? "UNKNOWN(" + code + ")" : type.name())
                        + " (" + count + ") - malformed, " + view.readableBytes() + " bytes left");
                break;
            }
            line(out, "Datatype (length):  ", type.name() + " (" + count + ")");
            line(out, "Data:               ", data(view, type, count));
        }
        return out.toString();
    }

    private String data(ByteBuf view, Datatype type, long count) {
        if (type == Datatype.STRING) {
            String text = view.readCharSequence((int) count, StandardCharsets.UTF_8).toString();
            return text.length() > maxValues * 8 ? text.substring(0, maxValues * 8) + " ... (" + count + " bytes)" : text;
        }
        StringBuilder s = new StringBuilder();
        long shown = Math.min(count, maxValues);
        for (long i = 0; i < shown; i++) {
            s.append(value(view, type)).append(' ');
        }
        if (count > shown) {
            s.append("... (").append(count - shown).append(" more)");
            view.skipBytes((int) ((count - shown) * type.size()));
        }
        return s.toString();
    }

    private static String value(ByteBuf view, Datatype type) {
        return switch (type) {
            case BYTE, CHAR, COMMAND_CODE -> String.valueOf(view.readUnsignedByte());
            case SHORT, MATRIX_ID -> String.valueOf(view.readUnsignedShort());
            case INT -> String.valueOf(view.readInt());
            case LONG -> String.valueOf(view.readLong());
            case FLOAT -> String.valueOf(view.readFloat());
            case DOUBLE -> String.valueOf(view.readDouble());
            default -> throw new IllegalStateException("no scalar format for " + type);
        };
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(INDENT).append(label).append(' ').append(value).append('\n');
    }
}
