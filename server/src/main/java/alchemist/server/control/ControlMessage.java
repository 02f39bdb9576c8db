package alchemist.server.control;

import alchemist.protocol.Header;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import alchemist.protocol.Runs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/**
 * A control message between driver and workers, in the client protocol's own format (reusing its codec):
 * the header's command byte is the {@link ControlOp}, the body starts with a LONG request ID that the
 * reply repeats.
 *
 * @param op        what to do
 * @param sessionId the session it concerns (0 for none)
 * @param requestId pairs a reply with its request
 * @param fields    the rest of the body, positioned after the request ID
 */
public record ControlMessage(ControlOp op, int sessionId, long requestId, MessageReader fields) {

    /** Encodes a control message to bytes for {@code Communicator.send}. */
    public static byte[] encode(ControlOp op, int sessionId, long requestId, Consumer<MessageWriter> fields) {
        ByteBuf buf = Unpooled.buffer(64);
        MessageWriter w = MessageWriter.begin(buf, 0, sessionId, op.code());
        w.putLong(requestId);
        fields.accept(w);
        w.finish();
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    /** Decodes what {@link #encode} produced; the body is checked like a client's. */
    public static ControlMessage decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        Header h = Header.peek(buf, 0);
        ByteBuf body = buf.slice(Header.LENGTH, bytes.length - Header.LENGTH);
        Runs.validate(body);
        MessageReader r = new MessageReader(body);
        long requestId = r.readLong();
        return new ControlMessage(ControlOp.fromCode(h.command()), h.sessionId(), requestId, r);
    }
}
