package alchemist.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import alchemist.client.backend.MpiJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link MpiSelfTest} as a real 3-rank job under mpirun, each rank a JVM on this module's class path.
 * Skipped only if mpirun is missing, and never under {@code CI=true}.
 */
class MpiJobTest {
    private static final long TIMEOUT_SECONDS = 60;

    @Test
    void selfTestPassesOnThreeRanks() throws Exception {
        Result r = mpirun(3, "alchemist.mpi.MpiSelfTest", TIMEOUT_SECONDS);
        assertEquals(0, r.exitCode(), "mpirun exited with " + r.exitCode() + ":\n" + r.output());
        assertTrue(r.output().contains(MpiSelfTest.OK_LINE), "no OK line:\n" + r.output());
    }

    /** Without mpirun or libmpi: a missing library is one clear line, not a linkage error. */
    @Test
    void missingLibraryIsReportedByName() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Dalchemist.mpi.library=libmpi-missing.so.99",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "alchemist.mpi.MpiSelfTest").redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("alchemist.mpi.MpiException: cannot load libmpi-missing.so.99 (install Open MPI 4.x"), out);
    }

    record Result(int exitCode, String output) {
    }

    /** Runs {@code mainClass} on {@code ranks} ranks under mpirun ({@link MpiJob#command}) until it ends. */
    static Result mpirun(int ranks, String mainClass, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("mpirun-", ".log");
        Process p = MpiJob.command(ranks, log, mainClass).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("mpirun did not finish within " + timeoutSeconds + " s:\n" + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
