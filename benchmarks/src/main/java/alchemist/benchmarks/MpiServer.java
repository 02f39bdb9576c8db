package alchemist.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An Alchemist server on Open MPI for one benchmark cell: {@code bin/alchemist-server --mpi --workers W} started
 * as a child process with pre-touched rank heaps ({@code ALCHEMIST_SERVER_JVM_OPTS}) and cores / W BLAS threads
 * per rank, ready once it has written its connection file; closing it stops the job (SIGTERM, then SIGKILL to
 * whatever is left after a limit).
 */
final class MpiServer implements AutoCloseable {
    private static final long STOP_LIMIT_SECONDS = 60;

    private final Process process;
    private final Path connectionFile;

    private MpiServer(Process process, Path connectionFile) {
        this.process = process;
        this.connectionFile = connectionFile;
    }

    /**
     * Starts the server and waits until it accepts clients.
     *
     * @param script       bin/alchemist-server
     * @param rankHeapGiB  each rank's heap (-Xms = -Xmx, pre-touched)
     * @param log          where the server's output goes
     * @param startSeconds how long to wait for the connection file
     * @throws IOException if the server cannot start, stops, or is not ready within the limit (it is stopped then)
     */
    static MpiServer start(Path script, int workers, Path libraryDir, int rankHeapGiB, int blasThreads, Path connectionFile,
            Path log, double startSeconds) throws IOException, InterruptedException {
        Files.deleteIfExists(connectionFile);
        ProcessBuilder pb = new ProcessBuilder(List.of(script.toString(), "--mpi", "--workers", Integer.toString(workers),
                "--port", "0", "--worker-port-base", "0", "--connection-file", connectionFile.toString(),
                "--library-dir", libraryDir.toString()));
        pb.environment().put("ALCHEMIST_SERVER_JVM_OPTS",
                "-Xms" + rankHeapGiB + "g -Xmx" + rankHeapGiB + "g -XX:+AlwaysPreTouch");
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(blasThreads));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        MpiServer server = new MpiServer(pb.start(), connectionFile);
        long deadline = System.nanoTime() + (long) (startSeconds * 1e9);
        while (!(Files.isRegularFile(connectionFile) && Files.size(connectionFile) > 0)) {
            if (!server.process.isAlive() || System.nanoTime() > deadline) {
                String why = server.process.isAlive() ? "not ready after " + startSeconds + " s"
                        : "stopped with status " + server.process.exitValue();
                server.close();
                throw new IOException("the MPI server (" + workers + " workers) " + why + "; see " + log);
            }
            Thread.sleep(200);
        }
        Thread.sleep(500); // the file is written once the driver listens; give it a moment to be complete
        return server;
    }

    Path connectionFile() {
        return connectionFile;
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList(); // mpirun and the ranks
        process.destroy(); // the script passes SIGTERM on to mpirun, which stops the ranks
        if (!process.waitFor(STOP_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        long deadline = System.nanoTime() + STOP_LIMIT_SECONDS * 1_000_000_000L;
        for (ProcessHandle child : children) {
            while (child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }
}
