package alchemist.spark;

import alchemist.server.AlchemistServer;
import java.nio.file.Path;

/**
 * An embedded Alchemist server in the Spark driver. Only this class names the server module's types, so
 * that applications that connect to a running server need no server jar.
 */
final class EmbeddedServer implements AutoCloseable {
    private final AlchemistServer server;

    private EmbeddedServer(AlchemistServer server) {
        this.server = server;
    }

    /**
     * Starts one on loopback ports (the executors of a local or one-machine cluster reach it).
     *
     * @param threadsPerWorker each worker's threads, or 0 for the server's default (its share of the cores)
     */
    static EmbeddedServer start(int workers, Path libraryDir, int threadsPerWorker) {
        AlchemistServer.Builder b = AlchemistServer.builder().workers(workers);
        if (libraryDir != null) {
            b.libraryDir(libraryDir);
        }
        if (threadsPerWorker > 0) {
            b.threadsPerWorker(threadsPerWorker);
        }
        return new EmbeddedServer(b.start());
    }

    String host() {
        return server.host();
    }

    int port() {
        return server.port();
    }

    /** @return the server itself (for tests that look inside) */
    AlchemistServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
