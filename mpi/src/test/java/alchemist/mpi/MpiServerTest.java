package alchemist.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import alchemist.client.AlchemistSession;
import alchemist.client.MatrixHandle;
import alchemist.client.TaskResult;
import alchemist.client.backend.MpiJob;
import alchemist.client.backend.ServerOptions;
import alchemist.client.backend.TestServer;
import alchemist.client.backend.TestServers;
import alchemist.client.backend.TestServers.Backend;
import alchemist.protocol.AlchemistException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What only a real MPI Alchemist shows, beside the suites that run on both backends: truncated_svd gives
 * bit for bit the U, S and V of an embedded server on the same matrix; two sessions run tasks at once on
 * disjoint workers of one job, each with the embedded result; a killed worker rank ends the job, and its
 * client gets an error, not a hang.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MpiServerTest {

    /** U, S and V of one run. */
    record Svd(double[][] u, double[][] s, double[][] v) {
    }

    @ParameterizedTest(name = "{0} x {1} on {2} workers, method {3}")
    @CsvSource({
        "1000, 60, 2, 1",
        "1000, 60, 2, 2",
        "1000, 60, 3, 1", // 334, 333 and 333 rows
        "1000, 60, 3, 2",
        "100, 40, 3, 1",  // every worker has fewer rows than columns
        "100, 40, 3, 2",
        "1000, 60, 3, 4", // the Gramian by Lanczos
        "100, 40, 3, 4",
    })
    void truncatedSvdIsBitIdenticalToEmbedded(int m, int n, int workers, int method) {
        double[][] a = random(m, n, 31L * m + n + workers);
        assertBitIdentical(svd(Backend.EMBEDDED, workers, a, method), svd(Backend.MPI, workers, a, method));
    }

    @Test
    void twoSessionsRunTasksAtOnceOnDisjointWorkers() throws Exception {
        double[][] a = random(400, 30, 1);
        double[][] b = random(350, 20, 2);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try (TestServer server = TestServers.start(Backend.MPI, 4)) {
            Future<Svd> sa = two.submit(() -> svd(server, 2, a, 1));
            Future<Svd> sb = two.submit(() -> svd(server, 2, b, 1));
            assertBitIdentical(svd(Backend.EMBEDDED, 2, a, 1), sa.get(120, TimeUnit.SECONDS));
            assertBitIdentical(svd(Backend.EMBEDDED, 2, b, 1), sb.get(120, TimeUnit.SECONDS));
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void aKilledWorkerEndsTheJobAndItsClientGetsAnErrorNotAHang() throws Exception {
        try (MpiJob job = MpiJob.start(ServerOptions.workers(2))) {
            try (AlchemistSession als = new AlchemistSession()) {
                als.connect(job.host(), job.port());
                als.requestWorkers(2);
                MatrixHandle h = als.sendArray(random(200, 10, 3));
                als.loadLibrary("allib");
                assertTrue(rank(job.process(), 2).destroyForcibly(), "could not kill rank 2");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                AlchemistException error = null;
                while (error == null && System.nanoTime() < deadline) {
                    try {
                        als.runTask("gram", h); // needs the dead worker: must fail, not wait for it
                        Thread.sleep(100);
                    } catch (AlchemistException e) {
                        error = e;
                    }
                }
                assertTrue(error != null, "no error within 30 s of killing a worker:\n" + job.log());
                String why = error.getMessage();
                assertTrue(why.contains("MPI job is stopping") || why.contains("closed"), why);
            }
            assertTrue(job.process().waitFor(30, TimeUnit.SECONDS), "the MPI job did not end:\n" + job.log());
            assertTrue(job.process().exitValue() != 0, "a job with a dead rank must not end as if all went well");
        }
    }

    /** @return the JVM of MPI rank {@code rank} among the job's processes */
    private static ProcessHandle rank(Process job, int rank) throws Exception {
        String marker = "OMPI_COMM_WORLD_RANK=" + rank + "\0";
        List<ProcessHandle> processes = job.descendants().toList();
        for (ProcessHandle p : processes) {
            Path environ = Path.of("/proc", Long.toString(p.pid()), "environ");
            if (Files.isReadable(environ)
                    && new String(Files.readAllBytes(environ), StandardCharsets.ISO_8859_1).contains(marker)) {
                return p;
            }
        }
        throw new AssertionError("no process of rank " + rank + " among " + processes);
    }

    /** truncated_svd(A, 10) with the given method on a server of the backend. */
    private static Svd svd(Backend backend, int workers, double[][] a, int method) {
        try (TestServer server = TestServers.start(backend, workers)) {
            return svd(server, workers, a, method);
        }
    }

    private static Svd svd(TestServer server, int workers, double[][] a, int method) {
        try (AlchemistSession als = new AlchemistSession()) {
            als.connect(server.host(), server.port());
            als.requestWorkers(workers);
            als.loadLibrary("allib");
            TaskResult r = als.runTask("truncated_svd", als.sendArray(a), 10, (byte) method);
            return new Svd(als.getArray(r.matrix("U")), als.getArray(r.matrix("S")), als.getArray(r.matrix("V")));
        }
    }

    private static void assertBitIdentical(Svd want, Svd got) {
        assertBitIdentical(want.s(), got.s(), "S");
        assertBitIdentical(want.u(), got.u(), "U");
        assertBitIdentical(want.v(), got.v(), "V");
    }

    private static void assertBitIdentical(double[][] want, double[][] got, String what) {
        assertEquals(want.length, got.length, what + " rows");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].length, got[i].length, what + " columns");
            for (int j = 0; j < want[i].length; j++) {
                if (Double.doubleToRawLongBits(want[i][j]) != Double.doubleToRawLongBits(got[i][j])) {
                    fail(what + "(" + i + ", " + j + "): embedded " + want[i][j] + ", MPI " + got[i][j]);
                }
            }
        }
    }

    private static double[][] random(int m, int n, long seed) {
        Random rnd = new Random(seed);
        double[][] a = new double[m][n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return a;
    }
}
