package alchemist.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link MpiSelfTest} as a real 3-rank job under mpirun, each rank a JVM on this test's class path.
 * Skipped only if mpirun is missing, and never under {@code CI=true}.
 */
class MpiJobTest {
    private static final long TIMEOUT_SECONDS = 60;

    @Test
    void selfTestPassesOnThreeRanks() throws Exception {
        Path mpirun = MpiTestSupport.assumeMpirun();
        Result r = mpirun(mpirun, 3, "alchemist.mpi.MpiSelfTest", TIMEOUT_SECONDS);
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

    /**
     * An mpirun of {@code ranks} JVMs on this test's class path running {@code mainClass args}, its output
     * merged into {@code log}.
     */
    static ProcessBuilder mpirunCommand(Path mpirun, int ranks, Path log, String mainClass, String... args) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(mpirun.toString()));
        if (isRoot()) {
            cmd.add("--allow-run-as-root");
        }
        cmd.addAll(List.of("--oversubscribe", "--bind-to", "none", "-np", Integer.toString(ranks),
                "-x", "OMPI_MCA_btl_vader_single_copy_mechanism=none", "-x", "OPENBLAS_NUM_THREADS=1",
                java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-XX:+UseSerialGC", "-cp", classPath, mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        // This JVM may have started a singleton MPI (MpiCommunicatorTest), which leaves its own
        // OMPI_/PMIX_ variables in the environment; mpirun must not take them for a parent job's.
        env.keySet().removeIf(k -> k.startsWith("OMPI_") || k.startsWith("PMIX_") || k.startsWith("ORTE_") || k.startsWith("OPAL_"));
        env.put("OMPI_MCA_btl_vader_single_copy_mechanism", "none");
        env.put("OPENBLAS_NUM_THREADS", "1");
        return pb;
    }

    static Result mpirun(Path mpirun, int ranks, String mainClass, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("mpirun-", ".log");
        Process p = mpirunCommand(mpirun, ranks, log, mainClass).start();
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

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

}
