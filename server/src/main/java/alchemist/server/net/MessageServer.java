package alchemist.server.net;

import alchemist.protocol.MessageFrameDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * A listening socket whose connections each get the pipeline {@code frameDecoder → handler}. The handler
 * runs on the channel's event loop, or, when it may block (the driver's waits for workers and tasks), on a
 * thread of its own per connection, so that one session's long task never delays another's commands.
 */
public final class MessageServer implements AutoCloseable {
    private static final ThreadFactory THREADS = new DefaultThreadFactory("alchemist-connection", true);
    private final Channel channel;

    private MessageServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds and starts accepting.
     *
     * @param bindHost        address to bind ("0.0.0.0" for all)
     * @param port            port, 0 for an ephemeral one
     * @param maxBodyLength   largest body accepted
     * @param threadPerConnection whether the handler runs on a thread of its own instead of the event loop
     * @param handlers        a new handler per connection
     */
    public static MessageServer bind(EventLoopGroup group, String bindHost, int port, long maxBodyLength,
            boolean threadPerConnection, Supplier<ChannelHandler> handlers) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frameDecoder", new MessageFrameDecoder(maxBodyLength));
                        EventExecutor executor = null;
                        if (threadPerConnection) {
                            EventExecutor own = new DefaultEventExecutor(THREADS);
                            ch.closeFuture().addListener(f -> own.shutdownGracefully(0, 5, TimeUnit.SECONDS));
                            executor = own;
                        }
                        ch.pipeline().addLast(executor, "handler", handlers.get());
                    }
                });
        Channel ch = b.bind(bindHost, port).syncUninterruptibly().channel();
        return new MessageServer(ch);
    }

    /** @return the port actually bound */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
