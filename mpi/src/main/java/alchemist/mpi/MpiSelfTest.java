package alchemist.mpi;

import alchemist.server.comm.Communicator;
import alchemist.server.comm.Communicator.Envelope;
import alchemist.server.comm.CommunicatorClosedException;
import alchemist.server.comm.ReduceOp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Checks {@link MpiCommunicator} across real processes; also a smoke test for a new cluster:
 * <pre>
 * mpirun [--allow-run-as-root] --oversubscribe --bind-to none -np 3 \
 *     -x OMPI_MCA_btl_vader_single_copy_mechanism=none \
 *     java --enable-native-access=ALL-UNNAMED -cp CLASSPATH alchemist.mpi.MpiSelfTest
 * </pre>
 * Needs exactly 3 ranks. Every check is exact (the allreduce inputs are multiples of 1/4 small enough
 * that any summation order gives the same doubles). Rank 0 prints {@code MPI SELF TEST OK} at the end;
 * a rank that fails prints why and calls {@code MPI_Abort}, so the job ends with a non-zero status
 * rather than hanging.
 */
public final class MpiSelfTest {
    static final String OK_LINE = "MPI SELF TEST OK";
    private static final int N = 1_000_000;

    private final MpiCommunicator world;
    private final int rank;

    private MpiSelfTest(MpiCommunicator world) {
        this.world = world;
        this.rank = world.rank();
    }

    public static void main(String[] args) {
        MpiCommunicator world = MpiCommunicator.world();
        try {
            check(world.size() == 3, "needs exactly 3 ranks, got " + world.size());
            new MpiSelfTest(world).run();
        } catch (Throwable t) {
            System.err.println("rank " + world.rank() + ": MPI SELF TEST FAILED: " + t);
            t.printStackTrace();
            System.err.flush();
            MpiCommunicator.abortJob(1);
        }
        MpiCommunicator.finalizeMpi();
        if (world.rank() == 0) {
            System.out.println(OK_LINE);
        }
    }

    private void run() throws Exception {
        step("point to point bytes", this::pointToPointBytes);
        step("two receivers on one tag", this::twoReceiversOneTag);
        step("point to point doubles", this::pointToPointDoubles);
        step("barrier", this::barrier);
        step("bcast", this::bcast);
        step("allreduce", this::allreduce);
        step("gather", this::gather);
        step("chunked transfers", this::chunked);
        step("group without rank 0", this::groupWithoutRankZero);
        step("two groups from two threads", this::twoGroupsTwoThreads);
        step("abort in allreduce", this::abortInAllreduce);
        step("abort in receive", this::abortInReceive);
        world.barrier();
    }

    private interface Step {
        void run() throws Exception;
    }

    private void step(String name, Step step) throws Exception {
        world.barrier();
        long t0 = System.nanoTime();
        step.run();
        world.barrier();
        if (rank == 0) {
            System.out.printf("  %-28s ok (%.1f ms)%n", name, (System.nanoTime() - t0) / 1e6);
        }
    }

    private void pointToPointBytes() {
        if (rank == 0) {
            for (int r = 1; r < 3; r++) {
                world.send(bytes("hello " + r), r, 7);
            }
            Set<Integer> from = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                Envelope e = world.recv(Communicator.ANY_SOURCE, 8);
                check(e.tag() == 8, "tag " + e.tag());
                check(text(e.data()).equals("reply from " + e.source()), "reply " + text(e.data()) + " from " + e.source());
                from.add(e.source());
            }
            check(from.equals(Set.of(1, 2)), "ANY_SOURCE replies came from " + from);
            // Tags select: rank 1 sent tag 11 then tag 12; take 12 first.
            check(text(world.recv(1, 12).data()).equals("second"), "tag 12");
            check(text(world.recv(1, 11).data()).equals("first"), "tag 11");
            check(world.recv(2, 13).data().length == 0, "empty message");
            byte[] big = world.recv(2, 14).data();
            check(big.length == 3_000_001, "big message length " + big.length);
            for (int i = 0; i < big.length; i++) {
                if (big[i] != (byte) (i * 31)) {
                    throw new AssertionError("big message byte " + i);
                }
            }
        } else {
            check(text(world.recv(0, 7).data()).equals("hello " + rank), "hello");
            world.send(bytes("reply from " + rank), 0, 8);
            if (rank == 1) {
                world.send(bytes("first"), 0, 11);
                world.send(bytes("second"), 0, 12);
            } else {
                world.send(new byte[0], 0, 13);
                byte[] big = new byte[3_000_001];
                for (int i = 0; i < big.length; i++) {
                    big[i] = (byte) (i * 31);
                }
                world.send(big, 0, 14);
            }
        }
    }

    /** Two threads of rank 0 receive from any rank on one tag: each message goes to exactly one of them. */
    private void twoReceiversOneTag() throws Exception {
        if (rank != 0) {
            for (int i = 0; i < 50; i++) {
                world.send(bytes(rank + ":" + i), 0, 50);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> receivers = List.of(pool.submit(() -> receive(50)), pool.submit(() -> receive(50)));
            Set<String> all = new HashSet<>();
            for (Future<List<String>> f : receivers) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            check(all.size() == 100, "two receivers got " + all.size() + " distinct messages of 100");
        } finally {
            pool.shutdownNow();
        }
    }

    private List<String> receive(int n) {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(text(world.recv(Communicator.ANY_SOURCE, 50).data()));
        }
        return got;
    }

    private void pointToPointDoubles() {
        if (rank == 1) {
            double[] v = new double[N + 10];
            Arrays.setAll(v, i -> i * 0.5);
            world.sendDoubles(v, 10, N, 2, 5);
            world.sendDoubles(new double[] {1, 2, 3}, 0, 3, 2, 6);
            world.sendDoubles(new double[] {4, 5}, 0, 2, 2, 6);
        } else if (rank == 2) {
            double[] got = new double[N + 1];
            world.recvDoubles(got, 1, N, Communicator.ANY_SOURCE, 5);
            for (int i = 0; i < N; i++) {
                if (got[i + 1] != (i + 10) * 0.5) {
                    throw new AssertionError("doubles[" + i + "] = " + got[i + 1]);
                }
            }
            // A message of another length is consumed and reported; the next one is intact.
            try {
                world.recvDoubles(new double[4], 0, 4, 1, 6);
                throw new AssertionError("a 3-double message was received as 4");
            } catch (IllegalStateException expected) {
                check(expected.getMessage().contains("expected 4 doubles from rank 1"), expected.getMessage());
            }
            double[] two = new double[2];
            world.recvDoubles(two, 0, 2, 1, 6);
            check(two[0] == 4 && two[1] == 5, "after the mismatch: " + Arrays.toString(two));
        }
    }

    private void barrier() throws InterruptedException {
        world.barrier(); // start together: the previous step leaves the ranks at different times
        Thread.sleep(200L * rank);
        long t0 = System.nanoTime();
        world.barrier();
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        if (rank == 0) {
            check(waitedMs >= 250, "rank 0 left the barrier after " + waitedMs + " ms, before rank 2 entered it");
        }
    }

    private void bcast() {
        for (int r = 0; r < 3; r++) {
            int root = r;
            double[] v = new double[N];
            if (rank == root) {
                Arrays.setAll(v, i -> i + root * 0.25);
            }
            world.bcast(v, 0, N, root);
            for (int i = 0; i < N; i++) {
                if (v[i] != i + root * 0.25) {
                    throw new AssertionError("bcast from " + root + ": v[" + i + "] = " + v[i]);
                }
            }
        }
    }

    /** Rank r holds (i % 1000 - 500) * (r + 1) + r / 4. */
    private static double input(int r, int i) {
        return (i % 1000 - 500) * (double) (r + 1) + r * 0.25;
    }

    private void allreduce() {
        for (ReduceOp op : ReduceOp.values()) {
            double[] v = new double[N];
            Arrays.setAll(v, i -> input(rank, i));
            world.allreduce(v, op);
            for (int i = 0; i < N; i++) {
                double expected = switch (op) {
                    case SUM -> input(0, i) + input(1, i) + input(2, i);
                    case MAX -> Math.max(input(0, i), Math.max(input(1, i), input(2, i)));
                    case MIN -> Math.min(input(0, i), Math.min(input(1, i), input(2, i)));
                };
                if (v[i] != expected) {
                    throw new AssertionError("allreduce " + op + ": v[" + i + "] = " + v[i] + ", expected " + expected);
                }
            }
        }
        // An offset range: the rest of the array is untouched.
        double[] w = {-1, rank + 1, rank + 2, -1};
        world.allreduce(w, 1, 2, ReduceOp.SUM);
        check(Arrays.equals(w, new double[] {-1, 6, 9, -1}), "allreduce of a range: " + Arrays.toString(w));
    }

    private void gather() {
        int[] lengths = {1000, 0, 123_457};
        double[] local = new double[lengths[rank]];
        Arrays.setAll(local, i -> rank * 1e6 + i);
        for (int root : new int[] {0, 2}) {
            double[][] all = world.gather(local, root);
            if (rank != root) {
                check(all == null, "gather returned data on a non-root");
                continue;
            }
            check(all.length == 3, "gather gave " + all.length + " arrays");
            for (int r = 0; r < 3; r++) {
                check(all[r].length == lengths[r], "gather: rank " + r + " gave " + all[r].length);
                for (int i = 0; i < lengths[r]; i++) {
                    if (all[r][i] != r * 1e6 + i) {
                        throw new AssertionError("gather: rank " + r + " value " + i + " = " + all[r][i]);
                    }
                }
            }
        }
    }

    /** Every transfer again in pieces of 1000 values, with lengths that are not multiples of it. */
    private void chunked() {
        int saved = MpiCommunicator.maxChunkDoubles;
        MpiCommunicator.maxChunkDoubles = 1000;
        try {
            int n = 10_500;
            double[] v = new double[n];
            if (rank == 0) {
                Arrays.setAll(v, i -> -i);
                world.sendDoubles(v, 0, n, 2, 3);
            } else if (rank == 2) {
                world.recvDoubles(v, 0, n, Communicator.ANY_SOURCE, 3);
                for (int i = 0; i < n; i++) {
                    check(v[i] == -i, "chunked recv " + i);
                }
            }
            Arrays.setAll(v, i -> input(rank, i));
            world.allreduce(v, ReduceOp.SUM);
            for (int i = 0; i < n; i++) {
                check(v[i] == input(0, i) + input(1, i) + input(2, i), "chunked allreduce " + i);
            }
            if (rank == 1) {
                Arrays.setAll(v, i -> i * 3);
            }
            world.bcast(v, 0, n, 1);
            for (int i = 0; i < n; i++) {
                check(v[i] == i * 3, "chunked bcast " + i);
            }
            int[] lengths = {2500, 999, 0};
            double[] local = new double[lengths[rank]];
            Arrays.setAll(local, i -> rank + i * 10.0);
            double[][] all = world.gather(local, 0);
            if (rank == 0) {
                for (int r = 0; r < 3; r++) {
                    check(all[r].length == lengths[r], "chunked gather length of " + r);
                    for (int i = 0; i < lengths[r]; i++) {
                        check(all[r][i] == r + i * 10.0, "chunked gather " + r + "/" + i);
                    }
                }
            }
        } finally {
            MpiCommunicator.maxChunkDoubles = saved;
        }
    }

    /** Ranks 1 and 2 work on a group, ranks reversed, while rank 0 waits on the world for their result. */
    private void groupWithoutRankZero() {
        if (rank == 0) {
            Envelope e = world.recv(2, 40);
            check(text(e.data()).equals("group done"), "group result " + text(e.data()));
            return;
        }
        // Leave a world message with the same tag as a group message: the group must not see it.
        if (rank == 1) {
            world.send(bytes("world message"), 2, 20);
        }
        try (Communicator g = world.createGroup(new int[] {2, 1})) {
            int gr = g.rank();
            check(g.size() == 2 && gr == (rank == 2 ? 0 : 1), "group rank " + gr + " of " + g.size());
            if (gr == 1) {
                g.send(bytes("group message"), 0, 20);
            } else {
                Envelope e = g.recv(Communicator.ANY_SOURCE, 20);
                check(text(e.data()).equals("group message") && e.source() == 1, "group recv " + text(e.data()));
            }
            double[] v = new double[N];
            Arrays.setAll(v, i -> input(rank, i));
            g.allreduce(v, ReduceOp.SUM);
            for (int i = 0; i < N; i++) {
                if (v[i] != input(1, i) + input(2, i)) {
                    throw new AssertionError("group allreduce " + i);
                }
            }
            double[] b = {gr == 0 ? 42 : 0};
            g.bcast(b, 0, 1, 0);
            check(b[0] == 42, "group bcast");
            double[][] all = g.gather(new double[] {rank}, 1);
            if (gr == 1) {
                check(all[0][0] == 2 && all[1][0] == 1, "group gather " + Arrays.deepToString(all));
            }
            g.barrier();
        }
        if (rank == 2) {
            check(text(world.recv(1, 20).data()).equals("world message"), "world message after the group");
            world.send(bytes("group done"), 0, 40);
        }
    }

    /** Ranks 1 and 2: two threads each make a group of the same two ranks (in other orders) and use it at once. */
    private void twoGroupsTwoThreads() throws Exception {
        if (rank == 0) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = List.of(
                    pool.submit(() -> useGroup(new int[] {1, 2}, 1.0)),
                    pool.submit(() -> useGroup(new int[] {2, 1}, 1000.0)));
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Void useGroup(int[] members, double scale) {
        try (Communicator g = world.createGroup(members)) {
            for (int round = 0; round < 200; round++) {
                double[] v = new double[1000];
                Arrays.fill(v, scale * (rank + round));
                g.allreduce(v, ReduceOp.SUM);
                double expected = scale * (1 + round + 2 + round);
                for (double x : v) {
                    check(x == expected, "group " + Arrays.toString(members) + " round " + round + ": " + x);
                }
                if (round % 20 == 0) {
                    double[] d = {g.rank() == 0 ? scale * round : -1};
                    if (g.rank() == 0) {
                        g.sendDoubles(d, 0, 1, 1, 9);
                    } else {
                        g.recvDoubles(d, 0, 1, 0, 9);
                        check(d[0] == scale * round, "group p2p " + d[0]);
                    }
                }
            }
            g.barrier();
        }
        return null;
    }

    /** On a group of ranks 1 and 2, rank 2 blocks in an allreduce; rank 1 aborts instead of joining it. */
    private void abortInAllreduce() {
        if (rank == 0) {
            return;
        }
        String reason = "task failed on purpose on rank 1";
        try (Communicator g = world.createGroup(new int[] {1, 2})) {
            if (rank == 1) {
                sleep(300);
                long abortedAt = System.currentTimeMillis();
                g.abort(reason);
                expectClosed(() -> g.allreduce(new double[10], ReduceOp.SUM), reason, "allreduce after abort on the aborting rank");
                world.send(bytes(Long.toString(abortedAt)), 2, 41);
            } else {
                double[] v = new double[N];
                long t0 = System.nanoTime();
                CommunicatorClosedException e = expectClosed(() -> g.allreduce(v, ReduceOp.SUM), reason, "blocked allreduce");
                long caughtAt = System.currentTimeMillis();
                long abortedAt = Long.parseLong(text(world.recv(1, 41).data()));
                long latency = caughtAt - abortedAt;
                System.out.printf("  (rank 2 was blocked %.0f ms; got \"%s\" %d ms after rank 1 aborted)%n",
                        (System.nanoTime() - t0) / 1e6, e.getMessage(), latency);
                check(latency < 1000, "abort took " + latency + " ms to reach rank 2");
                expectClosed(g::barrier, reason, "later barrier");
            }
        }
    }

    /** The same for a blocked point-to-point receive (and a bcast that follows it). */
    private void abortInReceive() {
        if (rank == 0) {
            return;
        }
        String reason = "rank 2 gives up";
        try (Communicator g = world.createGroup(new int[] {1, 2})) {
            if (rank == 2) {
                sleep(200);
                g.abort(reason);
            } else {
                CompletableFuture<CommunicatorClosedException> bcast = CompletableFuture.supplyAsync(
                        () -> expectClosed(() -> g.bcast(new double[5], 0, 5, 1), reason, "bcast"));
                expectClosed(() -> g.recv(1, 3), reason, "blocked recv");
                bcast.join();
            }
        }
    }

    private static CommunicatorClosedException expectClosed(Runnable r, String reason, String what) {
        try {
            r.run();
        } catch (CommunicatorClosedException e) {
            check(e.getMessage().equals("aborted: " + reason), what + ": message " + e.getMessage());
            return e;
        }
        throw new AssertionError(what + " did not fail after the abort");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
