package alchemist.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** Large outgoing messages reuse a connection's buffers; the transport's allocator keeps thread caches. */
class MessageBuffersTest {
    private static final int CAPACITY = 1 << 20;

    @Test
    void aLargeMessageReusesTheBufferGivenBack() {
        MessageBuffers buffers = new MessageBuffers(CAPACITY);
        MessageBuffers.Lease first = buffers.lease(UnpooledByteBufAllocator.DEFAULT, 600_000);
        assertNotNull(first.reused());
        ByteBuf frame = MessageWriter.write(first.buf(), 1, 2, Command.SEND_MATRIX_BLOCKS,
                w -> w.putMatrixId(7).putDoubles(new double[70_000], 0, 70_000));
        assertEquals(Header.LENGTH + 7 + 5 + 560_000, frame.readableBytes());
        frame.release();
        buffers.giveBack(first);
        MessageBuffers.Lease second = buffers.lease(UnpooledByteBufAllocator.DEFAULT, 900_000);
        assertSame(first.reused(), second.reused(), "the buffer given back serves the next message");
        assertEquals(0, second.buf().writerIndex());
        MessageBuffers.Lease third = buffers.lease(UnpooledByteBufAllocator.DEFAULT, 900_000);
        assertTrue(third.reused() != second.reused(), "a buffer still in flight is never handed out twice");
    }

    @Test
    void smallAndOversizedMessagesComeFromTheAllocator() {
        MessageBuffers buffers = new MessageBuffers(CAPACITY);
        MessageBuffers.Lease small = buffers.lease(UnpooledByteBufAllocator.DEFAULT, 1000);
        MessageBuffers.Lease huge = buffers.lease(UnpooledByteBufAllocator.DEFAULT, CAPACITY + 1);
        assertNull(small.reused());
        assertNull(huge.reused());
        assertTrue(huge.buf().capacity() >= CAPACITY + 1);
        small.buf().release();
        huge.buf().release();
        buffers.giveBack(small); // nothing to take back; must not throw
    }

    @Test
    void theTransportAllocatorPoolsWholeBlockMessagesWithThreadCaches() {
        PooledByteBufAllocator alloc = (PooledByteBufAllocator) TransportTuning.ALLOCATOR;
        assertTrue(alloc.metric().normalCacheSize() > 0, "thread caches are what make buffers reusable");
        assertEquals(16 << 20, alloc.metric().chunkSize());
    }
}
