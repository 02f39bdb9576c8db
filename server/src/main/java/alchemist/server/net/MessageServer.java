package alchemist.server.net;

import alchemist.protocol.MessageFrameDecoder;
import alchemist.protocol.TransportTuning;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * A listening socket whose connections each get the pipeline {@code frameDecoder → handler}. Closing it
 * closes every connection it accepted.
 */
public final class MessageServer implements AutoCloseable {
    private final Channel channel;
    private final ChannelGroup connections;

    private MessageServer(Channel channel, ChannelGroup connections) {
        this.channel = channel;
        this.connections = connections;
    }

    /**
     * Binds and starts accepting.
     *
     * @param bindHost      address to bind ("0.0.0.0" for all)
     * @param port          port, 0 for an ephemeral one
     * @param maxBodyLength largest body accepted
     * @param handlers      a new handler per connection
     */
    public static MessageServer bind(EventLoopGroup group, String bindHost, int port, long maxBodyLength,
            Supplier<ChannelHandler> handlers) {
        ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast("frameDecoder", new MessageFrameDecoder(maxBodyLength));
                        ch.pipeline().addLast("handler", handlers.get());
                    }
                });
        TransportTuning.server(b);
        Channel ch = b.bind(bindHost, port).syncUninterruptibly().channel();
        return new MessageServer(ch, connections);
    }

    /** @return the port actually bound */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly();
    }
}
