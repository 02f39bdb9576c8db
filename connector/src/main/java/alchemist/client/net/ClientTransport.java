package alchemist.client.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops that every client connection of this JVM shares (daemon threads, so a forgotten
 * session never keeps a JVM alive). One group serves any number of sessions and Spark tasks.
 */
public final class ClientTransport {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory("alchemist-client", true), NioIoHandler.newFactory());

    private ClientTransport() {
    }

    /** @return the shared group */
    public static EventLoopGroup group() {
        return GROUP;
    }
}
