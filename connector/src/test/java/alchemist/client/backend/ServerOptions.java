package alchemist.client.backend;

import alchemist.server.AlchemistServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a test asks of its server: the number of workers, the directory libraries load from (by default
 * {@link #LIBRARY_DIR}; null for none), a per-worker memory limit in bytes (0: the server's default), and
 * whether a client's SHUT_DOWN stops it. Ports are always ephemeral.
 */
public record ServerOptions(int workers, Path libraryDir, long maxWorkerMemory, boolean allowShutdown) {
    /** The suite's library directory, with allib.jar (the build copies it there). */
    public static final Path LIBRARY_DIR = Path.of(System.getProperty("alchemist.test.libraryDir", "target/libraries"))
            .toAbsolutePath();

    /** @return {@code n} workers, the suite's library directory, the default memory limit, no SHUT_DOWN */
    public static ServerOptions workers(int n) {
        return new ServerOptions(n, LIBRARY_DIR, 0, false);
    }

    public ServerOptions withLibraryDir(Path dir) {
        return new ServerOptions(workers, dir, maxWorkerMemory, allowShutdown);
    }

    public ServerOptions withMaxWorkerMemory(long bytes) {
        return new ServerOptions(workers, libraryDir, bytes, allowShutdown);
    }

    public ServerOptions withShutdownAllowed() {
        return new ServerOptions(workers, libraryDir, maxWorkerMemory, true);
    }

    /** @return an embedded server's builder for these options */
    AlchemistServer.Builder builder() {
        AlchemistServer.Builder b = AlchemistServer.builder().workers(workers).libraryDir(libraryDir)
                .allowShutdown(allowShutdown);
        return maxWorkerMemory > 0 ? b.maxWorkerMemory(maxWorkerMemory) : b;
    }

    /** @return the launcher's options for these (the worker count is the MPI job's size) */
    List<String> launcherArguments() {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--worker-port-base", "0"));
        if (libraryDir != null) {
            args.addAll(List.of("--library-dir", libraryDir.toAbsolutePath().toString()));
        }
        if (maxWorkerMemory > 0) {
            args.addAll(List.of("--max-worker-memory", Long.toString(maxWorkerMemory)));
        }
        if (allowShutdown) {
            args.add("--allow-shutdown");
        }
        return args;
    }
}
