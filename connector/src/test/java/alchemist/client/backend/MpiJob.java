package alchemist.client.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import alchemist.protocol.ConnectionFile;
import alchemist.server.AlchemistServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * An Alchemist server as one Open MPI job: {@code alchemist.mpi.Main} under {@code mpirun -np N+1}, rank 0
 * the driver and ranks 1..N the workers. Each rank is a JVM on the class path in the system property
 * {@code alchemist.test.mpi.classPath} (the mpi module's runtime class path: the server must see neither
 * the test classes nor allib outside its library directory). Once started it has written its connection
 * file; closing it kills whatever is left of the job.
 *
 * <p>Without mpirun, MPI tests skip, except under {@code CI=true}, where they fail.
 */
public final class MpiJob implements TestServer {
    private static final String MAIN = "alchemist.mpi.Main";
    private static final Duration START_LIMIT = Duration.ofSeconds(90);

    private final Process process;
    private final Path dir;
    private final int workers;
    private final ConnectionFile address;

    private MpiJob(Process process, Path dir, int workers, ConnectionFile address) {
        this.process = process;
        this.dir = dir;
        this.workers = workers;
        this.address = address;
    }

    /** Starts a job of {@code options.workers()} workers and waits until its driver accepts clients. */
    public static MpiJob start(ServerOptions options) {
        try {
            Path dir = Files.createTempDirectory("alchemist-mpi-");
            Path connection = dir.resolve("connection");
            List<String> args = new ArrayList<>(options.launcherArguments());
            args.addAll(List.of("--connection-file", connection.toString()));
            Process process = command(options.workers() + 1, dir.resolve("mpirun.log"), MAIN, args.toArray(String[]::new))
                    .start();
            try {
                return new MpiJob(process, dir, options.workers(), awaitConnectionFile(connection, process, dir));
            } catch (RuntimeException | Error e) {
                kill(process);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ConnectionFile awaitConnectionFile(Path file, Process job, Path dir) {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                return ConnectionFile.read(file); // written by an atomic move: whole once there
            }
            if (!job.isAlive()) {
                fail("the MPI job ended before it accepted clients:\n" + log(dir));
            }
            sleep(100);
        }
        return fail("no connection file after " + START_LIMIT.toSeconds() + " s:\n" + log(dir));
    }

    @Override
    public String host() {
        return address.host();
    }

    @Override
    public int port() {
        return address.port();
    }

    @Override
    public int workers() {
        return workers;
    }

    @Override
    public void ifEmbedded(Consumer<AlchemistServer> checks) {
        // The driver and the workers are other processes.
    }

    /** mpirun, whose descendants are the ranks' JVMs. */
    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return what mpirun and the ranks printed so far */
    public String log() {
        return log(dir);
    }

    @Override
    public void awaitStop(Duration limit) throws InterruptedException {
        assertTrue(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS), "the MPI job did not stop within " + limit
                + ":\n" + log());
        assertEquals(0, process.exitValue(), "the MPI job did not end cleanly:\n" + log());
    }

    @Override
    public void close() {
        kill(process);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An mpirun of {@code ranks} JVMs running {@code mainClass args} on the MPI class path, with what JVM
     * ranks need on this machine (as bin/alchemist-server gives them), output merged into {@code log}.
     */
    public static ProcessBuilder command(int ranks, Path log, String mainClass, String... args) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(mpirun().toString()));
        if (isRoot()) {
            cmd.add("--allow-run-as-root");
        }
        cmd.addAll(List.of("--oversubscribe", "--bind-to", "none", "-np", Integer.toString(ranks),
                "-x", "OMPI_MCA_btl_vader_single_copy_mechanism=none", "-x", "OPENBLAS_NUM_THREADS=1",
                // A test's job lives seconds to minutes on a busy machine: C1 alone starts it about a third faster.
                java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPath(), mainClass));
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

    private static String classPath() {
        String cp = System.getProperty("alchemist.test.mpi.classPath");
        if (cp == null || cp.isBlank()) {
            fail("the system property alchemist.test.mpi.classPath (the class path of alchemist.mpi.Main) is not set; "
                    + "the mpi module's surefire configuration sets it");
        }
        return cp;
    }

    /** @return mpirun's path; skips the test (or, under CI, fails it) if there is none */
    public static Path mpirun() {
        Optional<Path> mpirun = findMpirun();
        skipOrFail(mpirun.isEmpty() ? "mpirun is not on the PATH (install openmpi-bin)" : null);
        return mpirun.orElseThrow();
    }

    private static Optional<Path> findMpirun() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "mpirun"))) {
                return Optional.of(Path.of(d, "mpirun"));
            }
        }
        return Optional.empty();
    }

    /**
     * Skips the test for the given problem (null: none), except under {@code CI=true}, where a missing
     * Open MPI must fail the build.
     */
    public static void skipOrFail(String problem) {
        if (problem == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and MPI tests must not be skipped: " + problem);
        }
        Assumptions.abort(problem);
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static String log(Path dir) {
        try {
            Path log = dir.resolve("mpirun.log");
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(cannot read the job's log: " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the MPI job", e);
        }
    }
}
