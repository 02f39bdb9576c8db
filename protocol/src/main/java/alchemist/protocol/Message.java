package alchemist.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A framed message: its header and its body, whose runs have been checked by {@link Runs#validate}.
 * The message owns one reference to {@code body}; whoever consumes the message calls {@link #release()}.
 */
public final class Message {
    private final Header header;
    private final ByteBuf body;

    public Message(Header header, ByteBuf body) {
        this.header = header;
        this.body = body;
    }

    public Header header() {
        return header;
    }

    /** @return the command, or {@code null} if the header's code names none */
    public Command command() {
        return header.commandOrNull();
    }

    public ByteBuf body() {
        return body;
    }

    /** @return a reader over the body; it moves the body's reader index */
    public MessageReader reader() {
        return new MessageReader(body);
    }

    /** Releases the body. */
    public void release() {
        body.release();
    }
}
