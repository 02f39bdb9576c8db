package alchemist.server.net;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.FrameError;
import alchemist.protocol.Header;
import alchemist.protocol.Message;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common end of every server pipeline: turns each request into a reply or an ERROR reply. A
 * {@link FrameError} and an {@link AlchemistException} that asks for it close the connection after the
 * reply; any other failure becomes ERROR 15 and the connection stays. Releases every message it gets.
 *
 * <p>A handler that may block (the driver's, which waits for workers and tasks) handles its connection's
 * messages, in order, on a lane of its own over a shared thread pool, so that a long task of one session
 * never delays another's commands; others run on the event loop.
 */
public abstract class MessageHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MessageHandler.class);
    private static final Executor BLOCKING_POOL = Executors.newCachedThreadPool(
            new DefaultThreadFactory("alchemist-session", true));

    private final Executor lane;

    /** @param mayBlock whether {@link #handle} may block (then it runs off the event loop) */
    protected MessageHandler(boolean mayBlock) {
        this.lane = mayBlock ? new SerialExecutor(BLOCKING_POOL) : null;
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lane == null) {
            process(ctx, msg);
        } else {
            lane.execute(() -> process(ctx, msg));
        }
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        if (lane == null) {
            connectionClosed(ctx);
        } else {
            lane.execute(() -> connectionClosed(ctx));
        }
        ctx.fireChannelInactive();
    }

    /** Called once the connection has closed, after every message it delivered was handled. */
    protected void connectionClosed(ChannelHandlerContext ctx) {
    }

    private void process(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FrameError fe) {
            LOG.warn("{}: closing after a malformed message: {}", ctx.channel().remoteAddress(), fe.error().getMessage());
            replyError(ctx, fe.header(), fe.error()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        Message m = (Message) msg;
        try {
            handle(ctx, m);
        } catch (ClosingException e) {
            replyError(ctx, m.header(), e.cause).addListener(ChannelFutureListener.CLOSE);
        } catch (AlchemistException e) {
            LOG.debug("{}: {}", ctx.channel().remoteAddress(), e.getMessage());
            replyError(ctx, m.header(), e);
        } catch (RuntimeException e) {
            LOG.error("{}: internal error on command {}", ctx.channel().remoteAddress(), m.header().command(), e);
            replyError(ctx, m.header(), new AlchemistException(ErrorCode.INTERNAL_ERROR, String.valueOf(e)));
        } finally {
            m.release();
        }
    }

    /**
     * Serves one well-framed message; its body is released afterwards.
     *
     * @throws AlchemistException for a failure to report to the client
     */
    protected abstract void handle(ChannelHandlerContext ctx, Message message);

    /** Writes the ERROR reply; subclasses put their own client and session IDs in its header. */
    protected io.netty.channel.ChannelFuture replyError(ChannelHandlerContext ctx, Header request, AlchemistException e) {
        return Replies.error(ctx, request.clientId(), request.sessionId(), e);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("{}: closing on {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** @return an exception that makes the handler reply with {@code cause} and then close the connection */
    protected static RuntimeException closing(AlchemistException cause) {
        return new ClosingException(cause);
    }

    private static final class ClosingException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final AlchemistException cause;

        ClosingException(AlchemistException cause) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }
}
