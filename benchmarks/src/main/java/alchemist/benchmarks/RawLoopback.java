package alchemist.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The reference for every transfer figure: plain loopback TCP, one {@link SocketChannel} per stream with a
 * writer and a reader thread, direct buffers of the message size, nothing else.
 */
final class RawLoopback {
    private RawLoopback() {
    }

    /**
     * Sends {@code bytes} over {@code streams} loopback connections at once and returns when every reader has
     * received its share.
     *
     * @return the wall time in seconds, from the start of the writers to the last byte read
     */
    static double seconds(long bytes, int streams, int messageBytes) throws Exception {
        List<SocketChannel> open = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2 * streams);
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                long share = bytes / streams + (s < bytes % streams ? 1 : 0);
                SocketChannel out = SocketChannel.open(listener.getLocalAddress());
                SocketChannel in = listener.accept();
                open.add(out);
                open.add(in);
                out.setOption(StandardSocketOptions.TCP_NODELAY, true);
                done.add(pool.submit(() -> pump(out, share, messageBytes, start, true)));
                done.add(pool.submit(() -> pump(in, share, messageBytes, start, false)));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdown();
            for (SocketChannel c : open) {
                c.close();
            }
        }
    }

    private static Void pump(SocketChannel channel, long bytes, int messageBytes, CountDownLatch start, boolean write)
            throws IOException, InterruptedException {
        ByteBuffer buf = ByteBuffer.allocateDirect(messageBytes);
        while (buf.hasRemaining()) {
            buf.put((byte) buf.position());
        }
        start.await();
        for (long left = bytes; left > 0; ) {
            buf.clear().limit((int) Math.min(messageBytes, left));
            while (buf.hasRemaining()) {
                int n = write ? channel.write(buf) : channel.read(buf);
                if (n < 0) {
                    throw new IOException("loopback stream closed with " + left + " bytes to go");
                }
                left -= n;
            }
        }
        return null;
    }
}
