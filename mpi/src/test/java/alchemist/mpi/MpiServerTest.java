package alchemist.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import alchemist.client.AlchemistSession;
import alchemist.client.MatrixHandle;
import alchemist.client.TaskResult;
import alchemist.protocol.AlchemistException;
import alchemist.protocol.ConnectionFile;
import alchemist.server.AlchemistServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real MPI Alchemist: {@link Main} under {@code mpirun -np 3} (a driver and 2 workers). A client sends a
 * matrix and gets it back exactly, runs allib's truncated_svd, and gets the singular values of an embedded
 * server on the same matrix; an allowed SHUT_DOWN stops the whole job cleanly.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MpiServerTest {
    private static final Path LIBRARIES = Path.of(System.getProperty("alchemist.test.libraryDir", "target/libraries"));

    @Test
    void aClientRunsTheSeedStepsOnAnMpiServer(@TempDir Path dir) throws Exception {
        try (MpiJob mpi = MpiJob.start(dir, 3, true)) {
            Path connection = mpi.connection();
            Path log = mpi.log();
            Process job = mpi.process();
            double[][] a = random(300, 24, 11);
            double[][] embeddedS;
            try (AlchemistServer embedded = AlchemistServer.builder().workers(2).libraryDir(LIBRARIES).start();
                    AlchemistSession als = new AlchemistSession()) {
                als.connect(embedded.host(), embedded.port());
                embeddedS = singularValues(als, a);
            }
            try (AlchemistSession als = new AlchemistSession()) {
                als.connect(connection);
                assertEquals(2, als.listAllWorkers().size());
                double[][] mpiS = singularValues(als, a);
                for (int i = 0; i < embeddedS.length; i++) {
                    assertEquals(embeddedS[i][0], mpiS[i][0], 1e-12 * embeddedS[0][0], "sigma " + i);
                }
                als.shutDownServer();
            }
            assertTrue(job.waitFor(60, TimeUnit.SECONDS), "the MPI job did not stop:\n" + Files.readString(log));
            assertEquals(0, job.exitValue(), Files.readString(log));
        }
    }

    @Test
    void twoSessionsRunTasksAtOnceOnDisjointWorkers(@TempDir Path dir) throws Exception {
        try (MpiJob mpi = MpiJob.start(dir, 5, true)) {
            Path connection = mpi.connection();
            Path log = mpi.log();
            Process job = mpi.process();
            double[][] a = random(400, 30, 1);
            double[][] b = random(350, 20, 2);
            java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.Future<double[][]> sa = two.submit(() -> sessionSingularValues(connection, a));
                java.util.concurrent.Future<double[][]> sb = two.submit(() -> sessionSingularValues(connection, b));
                assertSingularValues(a, sa.get(120, TimeUnit.SECONDS));
                assertSingularValues(b, sb.get(120, TimeUnit.SECONDS));
            } finally {
                two.shutdownNow();
            }
            try (AlchemistSession als = new AlchemistSession()) {
                als.connect(connection);
                assertEquals(4, als.listInactiveWorkers().size(), "both sessions gave their workers back");
                als.shutDownServer();
            }
            assertTrue(job.waitFor(60, TimeUnit.SECONDS), "the MPI job did not stop:\n" + Files.readString(log));
        }
    }

    @Test
    void aKilledWorkerEndsTheJobAndItsClientGetsAnErrorNotAHang(@TempDir Path dir) throws Exception {
        try (MpiJob mpi = MpiJob.start(dir, 3, false)) {
            Path connection = mpi.connection();
            Path log = mpi.log();
            Process job = mpi.process();
            try (AlchemistSession als = new AlchemistSession()) {
                als.connect(connection);
                als.requestWorkers(2);
                MatrixHandle h = als.sendArray(random(200, 10, 3));
                als.loadLibrary("allib");
                ProcessHandle worker = rank(job, 2);
                assertTrue(worker.destroyForcibly(), "could not kill rank 2");
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
                assertTrue(error != null, "no error within 30 s of killing a worker:\n" + Files.readString(log));
                System.out.println("after killing rank 2 the client got: " + error.getMessage());
                String why = error.getMessage();
                assertTrue(why.contains("MPI job is stopping") || why.contains("closed"), why);
            }
            assertTrue(job.waitFor(30, TimeUnit.SECONDS), "the MPI job did not end:\n" + Files.readString(log));
            assertTrue(job.exitValue() != 0, "a job with a dead rank must not end as if all went well");
        }
    }

    /** @return the JVM of MPI rank {@code rank} among the job's processes */
    private static ProcessHandle rank(Process job, int rank) throws Exception {
        String marker = "OMPI_COMM_WORLD_RANK=" + rank + "\0";
        for (ProcessHandle p : job.descendants().toList()) {
            Path environ = Path.of("/proc", Long.toString(p.pid()), "environ");
            if (Files.isReadable(environ) && new String(Files.readAllBytes(environ), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains(marker)) {
                return p;
            }
        }
        throw new AssertionError("no process of rank " + rank + " among " + job.descendants().toList());
    }

    private static double[][] sessionSingularValues(Path connection, double[][] a) {
        try (AlchemistSession als = new AlchemistSession()) {
            als.connect(connection);
            return singularValues(als, a);
        }
    }

    /** The singular values against an embedded server's on the same matrix. */
    private static void assertSingularValues(double[][] a, double[][] got) {
        try (AlchemistServer embedded = AlchemistServer.builder().workers(2).libraryDir(LIBRARIES).start();
                AlchemistSession als = new AlchemistSession()) {
            als.connect(embedded.host(), embedded.port());
            double[][] want = singularValues(als, a);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i][0], got[i][0], 1e-12 * want[0][0], "sigma " + i);
            }
        }
    }

    /** Sends {@code a}, checks the round trip, and returns the top 5 singular values by allib. */
    private static double[][] singularValues(AlchemistSession als, double[][] a) {
        als.requestWorkers(2);
        MatrixHandle h = als.sendArray(a);
        double[][] back = als.getArray(h);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                assertEquals(Double.doubleToRawLongBits(a[i][j]), Double.doubleToRawLongBits(back[i][j]), "(" + i + ", " + j + ")");
            }
        }
        als.loadLibrary("allib");
        TaskResult svd = als.runTask("truncated_svd", h, 5);
        return als.getArray(svd.matrix("S"));
    }

    /**
     * {@link Main} under mpirun, from start until its connection file names it; closing kills whatever is
     * left of it.
     */
    private record MpiJob(Process process, Path connection, Path log) implements AutoCloseable {
        static MpiJob start(Path dir, int ranks, boolean allowShutdown) throws Exception {
            Path mpirun = MpiTestSupport.assumeMpirun();
            Path connection = dir.resolve("connection");
            Path log = dir.resolve("mpirun.log");
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--port", "0",
                    "--worker-port-base", "0", "--connection-file", connection.toString(), "--library-dir",
                    LIBRARIES.toString()));
            if (allowShutdown) {
                args.add("--allow-shutdown");
            }
            Process job = MpiJobTest.mpirunCommand(mpirun, ranks, log, "alchemist.mpi.Main", args.toArray(String[]::new))
                    .start();
            MpiJob started = new MpiJob(job, connection, log);
            try {
                awaitFile(connection, job, log);
            } catch (Exception | Error e) {
                started.close();
                throw e;
            }
            return started;
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static void awaitFile(Path file, Process job, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                ConnectionFile.read(file);
                return;
            }
            if (!job.isAlive()) {
                fail("the MPI job ended early:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        fail("no connection file after 90 s:\n" + Files.readString(log));
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
