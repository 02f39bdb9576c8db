package alchemist.server.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import alchemist.server.AlchemistServer;
import dev.ludovic.netlib.blas.BLAS;
import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * While an embedded server runs, OpenBLAS runs one thread per call, so that its workers' BLAS calls run side
 * by side; the count set before comes back when the last server stops.
 */
class SingleThreadedBlasTest {
    private static final BLAS BLAS = dev.ludovic.netlib.blas.BLAS.getInstance();

    @Test
    void anEmbeddedServerHoldsOpenBlasAtOneThreadAndTheLastToStopRestoresIt() {
        int before = OpenBlas.numThreads();
        try {
            OpenBlas.setNumThreads(2);
            try (AlchemistServer first = AlchemistServer.embedded(1)) {
                assertEquals(1, OpenBlas.numThreads());
                try (AlchemistServer second = AlchemistServer.embedded(1)) {
                    assertEquals(1, OpenBlas.numThreads());
                }
                assertEquals(1, OpenBlas.numThreads(), "the first server still runs");
            }
            assertEquals(2, OpenBlas.numThreads(), "restored once no server runs");
        } finally {
            OpenBlas.setNumThreads(before);
        }
    }

    /**
     * Two workers' DSYRKs at once against one alone, OpenBLAS set to 2 threads before the server starts (what
     * OPENBLAS_NUM_THREADS = cores would give): side by side they take about as long as one, where OpenBLAS's
     * shared pool would make them take turns (about twice as long). Best of a few tries: the machine is shared
     * (with the kernel's autogroup scheduling, another busy session leaves this JVM about one core, and then
     * nothing can show it: the failure message gives the load average).
     */
    @Test
    void twoWorkersBlasCallsRunSideBySide() throws Exception {
        int n = 1000;
        int k = 6000; // two DSYRKs of n²·k = 6e9 flops: about half a second on one core
        double[] a = new double[n * k];
        Random rnd = new Random(1);
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        Runnable dsyrk = () -> {
            double[] c = new double[n * n];
            for (int rep = 0; rep < 2; rep++) {
                BLAS.dsyrk("U", "N", n, k, 1.0, a, n, 0.0, c, n);
            }
        };
        int before = OpenBlas.numThreads();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            OpenBlas.setNumThreads(2);
            try (AlchemistServer server = AlchemistServer.embedded(2)) {
                dsyrk.run(); // warm up
                double bestRatio = Double.MAX_VALUE;
                StringBuilder figures = new StringBuilder();
                for (int attempt = 0; attempt < 12 && bestRatio >= 1.3; attempt++) {
                    long t0 = System.nanoTime();
                    dsyrk.run();
                    double one = (System.nanoTime() - t0) / 1e9;
                    t0 = System.nanoTime();
                    Future<?> x = two.submit(dsyrk);
                    Future<?> y = two.submit(dsyrk);
                    x.get(60, TimeUnit.SECONDS);
                    y.get(60, TimeUnit.SECONDS);
                    double both = (System.nanoTime() - t0) / 1e9;
                    bestRatio = Math.min(bestRatio, both / one);
                    figures.append(String.format(" [one %.3f s, two at once %.3f s]", one, both));
                }
                System.out.println("two embedded workers' DSYRKs at once / one alone: best " + bestRatio + figures);
                assertTrue(bestRatio < 1.6, "two workers' calls should run side by side: best ratio " + bestRatio
                        + " (2 = taking turns);" + figures + "; load average " + ManagementFactory
                        .getOperatingSystemMXBean().getSystemLoadAverage() + " (other work on all cores hides it)");
            }
        } finally {
            two.shutdownNow();
            OpenBlas.setNumThreads(before);
        }
    }
}
