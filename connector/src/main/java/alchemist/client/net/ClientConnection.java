package alchemist.client.net;

import alchemist.protocol.AlchemistException;
import alchemist.protocol.Command;
import alchemist.protocol.ErrorCode;
import alchemist.protocol.FrameError;
import alchemist.protocol.Handshake;
import alchemist.protocol.Message;
import alchemist.protocol.MessageBuffers;
import alchemist.protocol.MessageFrameDecoder;
import alchemist.protocol.MessageReader;
import alchemist.protocol.MessageWriter;
import alchemist.protocol.TracePrinter;
import alchemist.protocol.TransportTuning;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * One client connection (to the driver or to a worker). Requests may be pipelined: replies come in
 * request order and are paired with their requests by a FIFO queue. ERROR replies fail their request
 * with an {@link AlchemistException}; a dropped connection fails every request still waiting.
 *
 * <p>Thread-safe: any thread may send; replies are handled on the connection's event loop.
 */
public final class ClientConnection implements AutoCloseable {
    private final String name;
    private final Channel channel;
    private final PrintStream trace;
    private final TracePrinter printer = new TracePrinter();
    private final Queue<Pending<?>> pending = new ArrayDeque<>();
    /** Reused buffers for block messages. */
    private final MessageBuffers buffers = new MessageBuffers(MessageBuffers.BLOCK_MESSAGE_CAPACITY);
    private volatile int clientId;
    private volatile int sessionId;
    private volatile AlchemistException closedCause;

    private ClientConnection(String name, Channel channel, PrintStream trace) {
        this.name = name;
        this.channel = channel;
        this.trace = trace;
    }

    /**
     * Connects.
     *
     * @param name          what errors call this peer, e.g. "worker 2 at host:port"
     * @param maxBodyLength largest reply accepted
     * @param trace         where to print every message in the seed's layout, or null
     * @throws AlchemistException if the connection cannot be made
     */
    public static ClientConnection open(String host, int port, String name, long maxBodyLength, PrintStream trace) {
        Handler handler = new Handler();
        Bootstrap b = new Bootstrap().group(ClientTransport.group()).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frameDecoder", new MessageFrameDecoder(maxBodyLength));
                        ch.pipeline().addLast("handler", handler);
                    }
                });
        TransportTuning.client(b);
        ChannelFuture f = b.connect(host, port).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new AlchemistException(ErrorCode.INTERNAL_ERROR, "cannot connect to " + name + " at " + host + ":"
                    + port + ": " + f.cause());
        }
        ClientConnection c = new ClientConnection(name + " at " + host + ":" + port, f.channel(), trace);
        handler.connection = c;
        return c;
    }

    /**
     * Shakes hands: HANDSHAKE with the client's language, number and text, and for a worker the session
     * token; checks the server's number and text. Closes the connection if the handshake fails.
     *
     * @param sessionToken the token a worker asks for, or empty for the driver
     * @throws AlchemistException the server's refusal, or {@link ErrorCode#INVALID_HANDSHAKE} for a wrong answer
     */
    public void handshake(OptionalLong sessionToken) {
        try {
            call(Command.HANDSHAKE, w -> {
                w.putByte(Handshake.LANGUAGE_JAVA).putShort(Handshake.CLIENT_NUMBER).putString(Handshake.CLIENT_TEXT);
                sessionToken.ifPresent(w::putLong);
            }, r -> {
                if (r.readShort() != Handshake.SERVER_NUMBER || !Handshake.SERVER_TEXT.equals(r.readString())) {
                    throw new AlchemistException(ErrorCode.INVALID_HANDSHAKE, name + " answered the handshake wrongly");
                }
                return null;
            });
        } catch (AlchemistException e) {
            close();
            throw e;
        }
    }

    /** Sets the IDs that go in every later header (after the handshake). */
    public void setIds(int clientId, int sessionId) {
        this.clientId = clientId;
        this.sessionId = sessionId;
    }

    public int clientId() {
        return clientId;
    }

    public int sessionId() {
        return sessionId;
    }

    /** @return e.g. "worker 2 at 127.0.0.1:24962" */
    public String name() {
        return name;
    }

    /**
     * Sends a request; the returned future completes when its reply has been handled.
     *
     * @param sizeHint expected size of the whole request, to allocate once
     */
    public <T> CompletableFuture<T> send(Command command, int sizeHint, Consumer<MessageWriter> body, ReplyHandler<T> onReply) {
        MessageBuffers.Lease lease = buffers.lease(channel.alloc(), sizeHint);
        ByteBuf frame = MessageWriter.write(lease.buf(), clientId, sessionId, command, body);
        return sendFrame(command, frame, onReply, lease);
    }

    /** Sends a prepared frame (which this connection now owns). */
    public <T> CompletableFuture<T> sendFrame(Command command, ByteBuf frame, ReplyHandler<T> onReply) {
        return sendFrame(command, frame, onReply, null);
    }

    private <T> CompletableFuture<T> sendFrame(Command command, ByteBuf frame, ReplyHandler<T> onReply,
            MessageBuffers.Lease lease) {
        Pending<T> p = new Pending<>(command, onReply);
        if (trace != null) {
            trace.print(printer.format(frame));
        }
        synchronized (pending) {
            if (closedCause != null) {
                frame.release();
                giveBack(lease);
                p.future.completeExceptionally(closedCause);
                return p.future;
            }
            pending.add(p);
            channel.writeAndFlush(frame).addListener(f -> {
                giveBack(lease);
                if (!f.isSuccess()) {
                    failAll(new AlchemistException(ErrorCode.INTERNAL_ERROR, "cannot write to " + name + ": " + f.cause()));
                    channel.close();
                }
            });
        }
        return p.future;
    }

    private void giveBack(MessageBuffers.Lease lease) {
        if (lease != null) {
            buffers.giveBack(lease);
        }
    }

    /** Sends a request and waits for its reply. */
    public <T> T call(Command command, Consumer<MessageWriter> body, ReplyHandler<T> onReply) {
        return await(send(command, 256, body, onReply));
    }

    /**
     * Waits for a request's result.
     *
     * @throws AlchemistException the server's error, or the connection's failure
     */
    public static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlchemistException(ErrorCode.INTERNAL_ERROR, "interrupted waiting for a reply");
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** @return the Alchemist failure inside a future's exception */
    public static AlchemistException rethrow(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof AlchemistException a) {
            return new AlchemistException(a.code(), a.detail(), a); // keep the caller's stack in the trace
        }
        return new AlchemistException(ErrorCode.INTERNAL_ERROR, String.valueOf(t), t);
    }

    /** @return true while the connection is open */
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }

    private void received(Message m) {
        Pending<?> p;
        synchronized (pending) {
            p = pending.poll();
        }
        if (trace != null) {
            trace.print(printer.format(m.header(), m.body()));
        }
        if (p == null) {
            failAll(new AlchemistException(ErrorCode.INTERNAL_ERROR, name + " sent a reply nobody asked for: "
                    + Command.describe(m.header().command())));
            channel.close();
            return;
        }
        if (p.command == Command.HANDSHAKE && m.command() == Command.HANDSHAKE) {
            setIds(m.header().clientId(), m.header().sessionId()); // the handshake reply's header names us
        }
        p.complete(m);
    }

    private void failAll(AlchemistException cause) {
        synchronized (pending) {
            if (closedCause == null) {
                closedCause = cause;
            }
            for (Pending<?> p; (p = pending.poll()) != null; ) {
                p.future.completeExceptionally(cause);
            }
        }
    }

    /** A request waiting for its reply. */
    private static final class Pending<T> {
        final Command command;
        final ReplyHandler<T> onReply;
        final CompletableFuture<T> future = new CompletableFuture<>();

        Pending(Command command, ReplyHandler<T> onReply) {
            this.command = command;
            this.onReply = onReply;
        }

        void complete(Message m) {
            try {
                MessageReader r = m.reader();
                if (m.command() == Command.ERROR) {
                    int code = r.readShort();
                    future.completeExceptionally(new AlchemistException(ErrorCode.fromCode(code), r.readString()));
                } else if (m.command() != command) {
                    future.completeExceptionally(new AlchemistException(ErrorCode.INTERNAL_ERROR, "the reply to "
                            + command + " carries command " + Command.describe(m.header().command())));
                } else {
                    future.complete(onReply.handle(r));
                }
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }
    }

    /** The pipeline's last stage: hands replies to their requests. */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        volatile ClientConnection connection;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FrameError fe) {
                connection.failAll(new AlchemistException(fe.error().code(), connection.name + " sent a bad reply: "
                        + fe.error().detail()));
                ctx.close();
                return;
            }
            Message m = (Message) msg;
            try {
                connection.received(m);
            } finally {
                m.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connection != null) {
                connection.failAll(new AlchemistException(ErrorCode.INTERNAL_ERROR, "the connection to "
                        + connection.name + " closed"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (connection != null) {
                connection.failAll(new AlchemistException(ErrorCode.INTERNAL_ERROR, "the connection to "
                        + connection.name + " failed: " + cause));
            }
            ctx.close();
        }
    }
}
