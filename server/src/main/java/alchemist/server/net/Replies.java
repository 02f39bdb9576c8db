package alchemist.server.net;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.MessageBuffers;
import alchemist.protocol.MessageWriter;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import java.util.function.Consumer;

/** Writes replies and ERROR replies on a channel. */
public final class Replies {
    private Replies() {
    }

    /**
     * Writes and flushes one reply.
     *
     * @param sizeHint expected size of the whole message, to allocate once
     * @param body     writes the reply's values
     */
    public static ChannelFuture send(ChannelHandlerContext ctx, int clientId, int sessionId, Command command,
            int sizeHint, Consumer<MessageWriter> body) {
        return ctx.writeAndFlush(MessageWriter.write(ctx.alloc(), sizeHint, clientId, sessionId, command, body));
    }

    /** Writes and flushes one reply, in a buffer of {@code buffers} when it is a large one. */
    public static ChannelFuture send(ChannelHandlerContext ctx, MessageBuffers buffers, int clientId, int sessionId,
            Command command, int sizeHint, Consumer<MessageWriter> body) {
        MessageBuffers.Lease lease = buffers.lease(ctx.alloc(), sizeHint);
        ChannelFuture written = ctx.writeAndFlush(MessageWriter.write(lease.buf(), clientId, sessionId, command, body));
        written.addListener(f -> buffers.giveBack(lease));
        return written;
    }

    /** Writes and flushes a small reply. */
    public static ChannelFuture send(ChannelHandlerContext ctx, int clientId, int sessionId, Command command,
            Consumer<MessageWriter> body) {
        return send(ctx, clientId, sessionId, command, 256, body);
    }

    /** Writes an ERROR reply: SHORT code, STRING message. */
    public static ChannelFuture error(ChannelHandlerContext ctx, int clientId, int sessionId, AlchemistException e) {
        return send(ctx, clientId, sessionId, Command.ERROR, w -> w.putShort(e.code().code()).putString(e.detail()));
    }
}
