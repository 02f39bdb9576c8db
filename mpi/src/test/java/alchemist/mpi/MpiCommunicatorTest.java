package alchemist.mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.Communicator.Envelope;
import alchemist.server.comm.CommunicatorClosedException;
import alchemist.server.comm.ReduceOp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MpiCommunicator} on a singleton MPI (no mpirun: one rank). The multi-process behaviour is
 * {@link MpiJobTest}'s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MpiCommunicatorTest {
    private static MpiCommunicator world;

    @BeforeAll
    static void startMpi() {
        MpiTestSupport.assumeLibmpi();
        world = MpiCommunicator.world();
    }

    @AfterAll
    static void stopMpi() {
        if (world != null) {
            MpiCommunicator.finalizeMpi();
            assertThrows(IllegalStateException.class, MpiCommunicator::world, "MPI cannot start twice");
        }
    }

    @Test
    void singletonIsRankZeroOfOne() {
        assertEquals(0, world.rank());
        assertEquals(1, world.size());
        assertSame(world, MpiCommunicator.world());
    }

    @Test
    void sendToSelfThenReceiveByTagAndAnySource() {
        world.send(utf8("first"), 0, 3);
        world.send(utf8("second"), 0, 4);
        world.send(new byte[0], 0, 5);
        Envelope second = world.recv(0, 4);
        assertEquals("second", text(second.data()));
        assertEquals(0, second.source());
        assertEquals(4, second.tag());
        Envelope first = world.recv(Communicator.ANY_SOURCE, 3);
        assertEquals("first", text(first.data()));
        assertEquals(0, first.source());
        assertEquals(0, world.recv(0, 5).data().length);
    }

    @Test
    void largeMessageToSelfFromAnotherThread() {
        byte[] big = new byte[5_000_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        // Above the eager limit a send completes only once the receive is posted: it needs its own thread.
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> world.send(big, 0, 6));
        assertArrayEquals(big, world.recv(0, 6).data());
        sent.join();
    }

    @Test
    void doublesToSelfWithOffsetsAndLengthCheck() {
        double[] out = new double[100];
        Arrays.setAll(out, i -> i * 1.5);
        world.sendDoubles(out, 10, 50, 0, 7);
        world.sendDoubles(out, 0, 3, 0, 7);
        world.sendDoubles(out, 0, 2, 0, 7);
        double[] in = new double[60];
        world.recvDoubles(in, 5, 50, 0, 7);
        for (int i = 0; i < 50; i++) {
            assertEquals((i + 10) * 1.5, in[i + 5]);
        }
        IllegalStateException wrongLength = assertThrows(IllegalStateException.class,
                () -> world.recvDoubles(new double[2], 0, 2, 0, 7));
        assertTrue(wrongLength.getMessage().contains("expected 2 doubles from rank 0 (tag 7)"), wrongLength.getMessage());
        assertTrue(wrongLength.getMessage().endsWith("got 3 doubles"), wrongLength.getMessage());
        // The wrong message was consumed; the next one arrives intact.
        double[] two = new double[2];
        world.recvDoubles(two, 0, 2, Communicator.ANY_SOURCE, 7);
        assertArrayEquals(new double[] {0, 1.5}, two);
    }

    @Test
    void collectivesOnOneRank() {
        double[] v = {1, -2, 3.5, 4};
        world.allreduce(v, ReduceOp.SUM);
        assertArrayEquals(new double[] {1, -2, 3.5, 4}, v);
        world.allreduce(v, 1, 2, ReduceOp.MAX);
        world.allreduce(v, ReduceOp.MIN);
        assertArrayEquals(new double[] {1, -2, 3.5, 4}, v);
        world.bcast(v, 0, 4, 0);
        assertArrayEquals(new double[] {1, -2, 3.5, 4}, v);
        double[][] all = world.gather(v, 0);
        assertEquals(1, all.length);
        assertArrayEquals(v, all[0]);
        assertEquals(0, world.gather(new double[0], 0)[0].length);
        world.barrier();
    }

    @Test
    void piecesOfAChunkedTransferArriveInOrder() {
        int saved = MpiCommunicator.maxChunkDoubles;
        MpiCommunicator.maxChunkDoubles = 7;
        try {
            double[] out = new double[50];
            Arrays.setAll(out, i -> i);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> world.sendDoubles(out, 0, 50, 0, 8));
            double[] in = new double[50];
            world.recvDoubles(in, 0, 50, Communicator.ANY_SOURCE, 8);
            sent.join();
            assertArrayEquals(out, in);
            world.allreduce(in, ReduceOp.SUM);
            world.bcast(in, 0, 50, 0);
            assertArrayEquals(out, in);
            assertArrayEquals(out, world.gather(out, 0)[0]);
        } finally {
            MpiCommunicator.maxChunkDoubles = saved;
        }
    }

    @Test
    void forEachChunkCoversTheRangeOnceAndRunsOnceWhenEmpty() {
        List<int[]> pieces = new ArrayList<>();
        MpiCommunicator.forEachChunk(10, 4, (from, n) -> pieces.add(new int[] {from, n}));
        assertEquals("[[0, 4], [4, 4], [8, 2]]", Arrays.deepToString(pieces.toArray()));
        pieces.clear();
        MpiCommunicator.forEachChunk(0, 4, (from, n) -> pieces.add(new int[] {from, n}));
        assertEquals("[[0, 0]]", Arrays.deepToString(pieces.toArray()));
        pieces.clear();
        MpiCommunicator.forEachChunk(Integer.MAX_VALUE, Integer.MAX_VALUE / 2, (from, n) -> pieces.add(new int[] {from, n}));
        assertEquals(3, pieces.size());
        assertEquals(Integer.MAX_VALUE, pieces.get(2)[0] + pieces.get(2)[1]);
    }

    @Test
    void mpiErrorsBecomeMpiExceptionsNamingRoutineAndError() {
        MpiException e = assertThrows(MpiException.class, () -> world.send(utf8("nobody"), 5, 1));
        assertEquals("MPI_Isend", e.routine());
        assertEquals("MPI_Isend failed: MPI_ERR_RANK: invalid rank (MPI error 6)", e.getMessage());
        MpiException r = assertThrows(MpiException.class, () -> world.recv(5, 1));
        assertEquals("MPI_Improbe", r.routine());
        assertTrue(r.getMessage().contains("MPI_ERR_RANK"), r.getMessage());
        MpiException b = assertThrows(MpiException.class, () -> world.bcast(new double[1], 0, 1, 3));
        assertTrue(b.getMessage().startsWith("MPI_Ibcast failed: MPI_ERR_ROOT"), b.getMessage());
        // The communicator still works afterwards.
        world.send(utf8("still fine"), 0, 1);
        assertEquals("still fine", text(world.recv(0, 1).data()));
    }

    @Test
    void reservedAndNegativeTagsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> world.send(new byte[1], 0, Communicator.COLLECTIVE_TAG));
        assertThrows(IllegalArgumentException.class, () -> world.send(new byte[1], 0, MpiCommunicator.FIRST_RESERVED_TAG));
        assertThrows(IllegalArgumentException.class, () -> world.recv(0, -1));
    }

    @Test
    void groupOfTheOneRank() {
        assertThrows(IllegalArgumentException.class, () -> world.createGroup(new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> world.createGroup(new int[] {0, 0}));
        try (Communicator g = world.createGroup(new int[] {0})) {
            assertEquals(0, g.rank());
            assertEquals(1, g.size());
            double[] v = {2, 3};
            g.allreduce(v, ReduceOp.SUM);
            assertArrayEquals(new double[] {2, 3}, v);
            g.send(utf8("in the group"), 0, 2);
            world.send(utf8("in the world"), 0, 2);
            assertEquals("in the group", text(g.recv(0, 2).data()));
            assertEquals("in the world", text(world.recv(0, 2).data()));
            try (Communicator nested = g.createGroup(new int[] {0})) {
                nested.barrier();
            }
        }
    }

    @Test
    void abortFailsABlockedReceiveAndEveryLaterOperation() throws Exception {
        try (Communicator g = world.createGroup(new int[] {0})) {
            CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    g.recv(0, 9);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(200);
            long t0 = System.nanoTime();
            g.abort("task failed on purpose");
            Throwable t = blocked.get(1, TimeUnit.SECONDS);
            assertTrue(t instanceof CommunicatorClosedException, String.valueOf(t));
            assertEquals("aborted: task failed on purpose", t.getMessage());
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
            CommunicatorClosedException later = assertThrows(CommunicatorClosedException.class, g::barrier);
            assertEquals("aborted: task failed on purpose", later.getMessage());
            assertThrows(CommunicatorClosedException.class, () -> g.send(new byte[1], 0, 1));
        }
        // The world is not affected.
        world.barrier();
    }

    @Test
    void closeFailsABlockedReceive() throws Exception {
        Communicator g = world.createGroup(new int[] {0});
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                g.recv(0, 9);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(100);
        g.close();
        Throwable t = blocked.get(1, TimeUnit.SECONDS);
        assertTrue(t instanceof CommunicatorClosedException, String.valueOf(t));
        assertThrows(CommunicatorClosedException.class, () -> g.recv(0, 9));
        g.close(); // twice is fine
    }

    @Test
    void gatherCopiesOnRoot() {
        double[] local = {1, 2};
        double[][] all = world.gather(local, 0);
        local[0] = 99;
        assertArrayEquals(new double[] {1, 2}, all[0]);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
