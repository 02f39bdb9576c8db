package alchemist.mpi;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import alchemist.server.comm.ReduceOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Allreduce (SUM) throughput of {@link MpiCommunicator} on 8 MB and 64 MB of doubles, next to a plain
 * blocking {@code MPI_Allreduce} on a native buffer (no copies, not abortable) as the baseline. Run it
 * like {@link MpiSelfTest}, with any number of ranks; rank 0 prints one line per size:
 * {@code GB/s = buffer bytes / seconds per allreduce} (10<sup>9</sup> bytes).
 * Optional arguments: the sizes in MB.
 */
public final class MpiAllreduceBench {
    private MpiAllreduceBench() {
    }

    public static void main(String[] args) {
        int[] sizesMb = args.length == 0 ? new int[] {8, 64} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        MpiCommunicator world = MpiCommunicator.world();
        try {
            if (world.rank() == 0) {
                System.out.printf("allreduce SUM across %d ranks (GB/s = buffer size / time per call)%n", world.size());
            }
            for (int mb : sizesMb) {
                int n = mb * 1_000_000 / 8;
                int iterations = Math.max(5, 400 / mb);
                double ours = run(world, n, iterations);
                double blocking = runBlocking(world, n, iterations);
                if (world.rank() == 0) {
                    System.out.printf("  %3d MB: MpiCommunicator.allreduce %6.2f GB/s (%.1f ms); blocking MPI_Allreduce %6.2f GB/s (%.1f ms)%n",
                            mb, gbps(n, ours), ours * 1e3, gbps(n, blocking), blocking * 1e3);
                }
            }
        } finally {
            MpiCommunicator.finalizeMpi();
        }
    }

    private static double gbps(int n, double seconds) {
        return 8.0 * n / seconds / 1e9;
    }

    /** @return the median seconds per call */
    private static double run(MpiCommunicator world, int n, int iterations) {
        double[] v = new double[n];
        double[] times = new double[iterations];
        for (int i = -2; i < iterations; i++) {
            Arrays.fill(v, 1.0);
            world.barrier();
            long t0 = System.nanoTime();
            world.allreduce(v, ReduceOp.SUM);
            if (i >= 0) {
                times[i] = (System.nanoTime() - t0) / 1e9;
            }
            if (v[n - 1] != world.size()) {
                throw new AssertionError("allreduce gave " + v[n - 1]);
            }
        }
        return median(world, times);
    }

    private static double runBlocking(MpiCommunicator world, int n, int iterations) {
        double[] times = new double[iterations];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(JAVA_DOUBLE, n);
            for (int i = -2; i < iterations; i++) {
                buf.fill((byte) 0);
                world.barrier();
                long t0 = System.nanoTime();
                Mpi.allreduce(Mpi.IN_PLACE, buf, n, Mpi.DOUBLE, Mpi.OP_SUM, Mpi.COMM_WORLD);
                if (i >= 0) {
                    times[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        return median(world, times);
    }

    /** The median over calls of the slowest rank's time. */
    private static double median(MpiCommunicator world, double[] times) {
        world.allreduce(times, ReduceOp.MAX);
        Arrays.sort(times);
        return times[times.length / 2];
    }
}
