package alchemist.protocol;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.util.NettyRuntime;

/**
 * Socket settings shared by every Alchemist connection, client or server, tuned for block messages of a
 * few MiB:
 * <ul>
 *   <li>a pooled allocator whose chunks (16 MiB) hold whole block messages, so a message buffer is reused
 *       instead of being allocated, zeroed and page-faulted each time (Netty's default pools only up to
 *       1 MiB);</li>
 *   <li>thread caches that keep buffers up to 16 MiB ({@code io.netty.allocator.maxCachedBufferCapacity},
 *       unless set otherwise), so that a thread that frees a message buffer gets it back for the next one
 *       instead of the pool creating and destroying 16 MiB chunks;</li>
 *   <li>reads of up to 4 MiB per call instead of 64 KiB, and socket buffers of 4 MiB.</li>
 * </ul>
 */
public final class TransportTuning {
    static {
        // Read once, when Netty's pooled allocator class initializes: set it before the allocator below.
        if (System.getProperty("io.netty.allocator.maxCachedBufferCapacity") == null) {
            System.setProperty("io.netty.allocator.maxCachedBufferCapacity", String.valueOf(16 << 20));
        }
    }

    /** Page 8 KiB, maxOrder 11: 16 MiB chunks. */
    public static final ByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true,
            NettyRuntime.availableProcessors(), NettyRuntime.availableProcessors(), 8192, 11,
            PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(), true);

    private static final int SOCKET_BUFFER = 4 << 20;

    private TransportTuning() {
    }

    /** Applies the settings to a client bootstrap. */
    public static void client(AbstractBootstrap<?, ?> b) {
        b.option(ChannelOption.ALLOCATOR, ALLOCATOR)
                .option(ChannelOption.RCVBUF_ALLOCATOR, receiveSizes())
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER);
    }

    /** Applies the settings to the connections a server accepts. */
    public static void server(ServerBootstrap b) {
        b.childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, receiveSizes())
                .childOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER);
    }

    private static AdaptiveRecvByteBufAllocator receiveSizes() {
        return new AdaptiveRecvByteBufAllocator(64 << 10, 256 << 10, 4 << 20);
    }
}
