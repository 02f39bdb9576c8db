package alchemist.server.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.comm.Communicator.Envelope;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Embedded mode's communicator: ranks and size, per-pair per-tag ordering, receives that select by source
 * and tag, copies on send, and close waking a blocked receive.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InProcessFabricTest {

    @Test
    void eachRankKnowsItselfAndTheSize() {
        InProcessFabric fabric = new InProcessFabric(4);
        for (int r = 0; r < 4; r++) {
            assertEquals(r, fabric.communicator(r).rank());
            assertEquals(4, fabric.communicator(r).size());
        }
    }

    @Test
    void messagesFromOneSenderWithOneTagArriveInOrderWhileOthersInterleave() throws Exception {
        InProcessFabric fabric = new InProcessFabric(3);
        Communicator driver = fabric.communicator(0);
        int n = 2000;
        CompletableFuture<Void> one = CompletableFuture.runAsync(() -> sendNumbers(fabric.communicator(1), n));
        CompletableFuture<Void> two = CompletableFuture.runAsync(() -> sendNumbers(fabric.communicator(2), n));
        int[] next = new int[3];
        for (int i = 0; i < 2 * n; i++) {
            Envelope e = driver.recv(Communicator.ANY_SOURCE, 5);
            assertEquals(5, e.tag());
            assertEquals(next[e.source()]++, number(e), "from rank " + e.source());
        }
        one.get(10, TimeUnit.SECONDS);
        two.get(10, TimeUnit.SECONDS);
        assertEquals(n, next[1]);
        assertEquals(n, next[2]);
    }

    @Test
    void receiveSelectsBySourceAndTagAndLeavesTheRestQueued() {
        InProcessFabric fabric = new InProcessFabric(3);
        Communicator driver = fabric.communicator(0);
        fabric.communicator(1).send(bytes(10), 0, 1);
        fabric.communicator(1).send(bytes(11), 0, 2);
        fabric.communicator(2).send(bytes(20), 0, 1);
        fabric.communicator(1).send(bytes(12), 0, 1);

        Envelope e = driver.recv(2, 1);
        assertEquals(2, e.source());
        assertEquals(20, number(e));
        assertEquals(11, number(driver.recv(Communicator.ANY_SOURCE, 2)));
        assertEquals(10, number(driver.recv(1, 1)));
        assertEquals(12, number(driver.recv(Communicator.ANY_SOURCE, 1)));
    }

    @Test
    void sendCopiesTheDataSoTheSenderMayReuseIt() {
        InProcessFabric fabric = new InProcessFabric(2);
        byte[] data = {1, 2, 3};
        fabric.communicator(0).send(data, 1, 0);
        data[0] = 99;
        assertArrayEquals(new byte[] {1, 2, 3}, fabric.communicator(1).recv(0, 0).data());
    }

    @Test
    void blockedReceiveWaitsForAMatchingMessage() throws Exception {
        InProcessFabric fabric = new InProcessFabric(2);
        Communicator worker = fabric.communicator(1);
        Receiver r = new Receiver(worker, 0, 3);
        r.awaitBlocked();
        fabric.communicator(0).send(bytes(1), 1, 4); // another tag: wakes the receiver, which must go back to waiting
        r.awaitBlocked();
        assertFalse(r.result.isDone());
        fabric.communicator(0).send(bytes(2), 1, 3);
        assertEquals(2, number(r.result.get(10, TimeUnit.SECONDS)));
        assertEquals(1, number(worker.recv(0, 4)));
    }

    @Test
    void closeWakesABlockedReceiveWithCommunicatorClosedException() throws Exception {
        InProcessFabric fabric = new InProcessFabric(2);
        Communicator worker = fabric.communicator(1);
        Receiver r = new Receiver(worker, 0, 3);
        r.awaitBlocked();
        worker.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> r.result.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof CommunicatorClosedException, String.valueOf(e.getCause()));
        assertThrows(CommunicatorClosedException.class, () -> worker.recv(0, 3), "a receive after close fails at once");
    }

    /** A thread blocked in one receive; its outcome lands in {@link #result}. */
    private static final class Receiver {
        final CompletableFuture<Envelope> result = new CompletableFuture<>();
        private final Thread thread;

        Receiver(Communicator c, int source, int tag) {
            thread = new Thread(() -> {
                try {
                    result.complete(c.recv(source, tag));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }, "receiver");
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits (up to 10 s) until the thread waits inside the receive, having found nothing that matches. */
        void awaitBlocked() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (thread.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "the receiver never blocked: " + thread.getState());
                Thread.sleep(1);
            }
        }
    }

    private static void sendNumbers(Communicator c, int n) {
        for (int i = 0; i < n; i++) {
            c.send(bytes(i), 0, 5);
        }
    }

    private static byte[] bytes(int n) {
        return ByteBuffer.allocate(4).putInt(n).array();
    }

    private static int number(Envelope e) {
        return ByteBuffer.wrap(e.data()).getInt();
    }
}
