package alchemist.server;

import java.nio.file.Path;

/**
 * How a server runs. Build one with {@link AlchemistServer#builder()}.
 *
 * @param numWorkers        worker count (embedded mode)
 * @param bindHost          address the sockets bind ("0.0.0.0": all)
 * @param advertisedHost    address clients are told to connect to
 * @param driverPort        driver port, 0 for an ephemeral one
 * @param workerPortBase    worker r listens on base + r; 0 for ephemeral ports
 * @param maxMessageBytes   largest message body accepted (at least 64 MiB, PROTOCOL.md "Sizes")
 * @param maxWorkerMemory   bytes of matrix data one worker may hold
 * @param threadsPerWorker  threads each worker's tasks may keep busy ({@code TaskContext.threads()}), ≥ 1
 * @param libraryDir        the only directory libraries load from (null: none)
 * @param allowShutdown     whether a client's SHUT_DOWN stops the server
 * @param connectionFile    where to write host and port once accepting (null: nowhere)
 */
public record ServerConfig(
        int numWorkers,
        String bindHost,
        String advertisedHost,
        int driverPort,
        int workerPortBase,
        long maxMessageBytes,
        long maxWorkerMemory,
        int threadsPerWorker,
        Path libraryDir,
        boolean allowShutdown,
        Path connectionFile) {

    /** The default driver port of the original Alchemist. */
    public static final int DEFAULT_PORT = 24960;

    /** @return the port worker {@code rank} binds */
    public int workerPort(int rank) {
        return workerPortBase == 0 ? 0 : workerPortBase + rank;
    }
}
