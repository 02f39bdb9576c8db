package alchemist.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A connection's own direct buffers for its large outgoing messages (matrix blocks), reused from one
 * message to the next: the pipeline window bounds how many are in flight, so a handful serve a whole
 * transfer, and no message pays for a fresh native allocation, its zeroing and its page faults.
 *
 * <p>A {@link Lease} wraps a free buffer (Netty never frees a wrapped buffer on release); give it back
 * once the message's write has completed. Messages larger than the buffers, and small ones, come from
 * the allocator as usual. Thread-safe.
 */
public final class MessageBuffers {
    /** Capacity for block messages of the clients' default size (4 MiB) with room for their headers. */
    public static final int BLOCK_MESSAGE_CAPACITY = (4 << 20) + 4096;
    /** Messages smaller than this come from the allocator: pooling small buffers is its job. */
    private static final int MIN_REUSED = 256 << 10;

    private final int capacity;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();

    /**
     * A buffer for one message.
     *
     * @param buf    where to write the message
     * @param reused the connection's buffer under it, or null if it came from the allocator
     */
    public record Lease(ByteBuf buf, ByteBuffer reused) {
    }

    /** @param capacity bytes per buffer: the largest message that reuses one */
    public MessageBuffers(int capacity) {
        this.capacity = capacity;
    }

    /** @return an empty buffer that holds {@code size} bytes */
    public Lease lease(ByteBufAllocator alloc, int size) {
        if (size < MIN_REUSED || size > capacity) {
            return new Lease(alloc.ioBuffer(size), null);
        }
        ByteBuffer b = free.poll();
        if (b == null) {
            b = ByteBuffer.allocateDirect(capacity);
        }
        b.clear();
        return new Lease(Unpooled.wrappedBuffer(b).clear(), b);
    }

    /** Takes a lease's buffer back once its message has been written (or failed). */
    public void giveBack(Lease lease) {
        if (lease.reused() != null) {
            free.add(lease.reused());
        }
    }
}
