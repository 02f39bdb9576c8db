package alchemist.server;

import alchemist.protocol.ConnectionFile;
import alchemist.protocol.WorkerInfo;
import alchemist.server.comm.Communicator;
import alchemist.server.control.WorkerControl;
import alchemist.server.driver.Driver;
import alchemist.server.driver.DriverHandler;
import alchemist.server.net.MessageServer;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rank 0 of an Alchemist server, in either mode: waits for every worker to register over the
 * communicator, then serves clients on the driver port and writes the connection file. Closing it stops
 * the workers (SHUTDOWN over the communicator) and removes the connection file.
 */
public final class DriverProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriverProcess.class);

    private final ServerConfig config;
    private final WorkerControl control;
    private final Driver driver;
    private final MessageServer server;

    private DriverProcess(ServerConfig config, Communicator world, EventLoopGroup group, Runnable shutDown) {
        this.config = config;
        this.control = new WorkerControl(world);
        List<WorkerInfo> workers = control.awaitRegistrations();
        this.driver = new Driver(control, workers, config.libraryDir(), shutDown);
        this.server = MessageServer.bind(group, config.bindHost(), config.driverPort(), config.maxMessageBytes(),
                () -> new DriverHandler(driver));
        LOG.info("Alchemist driver listens on {}:{} with {} workers", config.advertisedHost(), server.port(), workers.size());
        if (NativeLinalg.isNative()) {
            LOG.info("tasks run on {}", NativeLinalg.describe());
        } else {
            LOG.warn("tasks run on {}: not native, about 20x slower (install libopenblas0-pthread)", NativeLinalg.describe());
        }
        // Last: clients that wait for the file may act at once (even SHUT_DOWN).
        if (config.connectionFile() != null) {
            new ConnectionFile(config.advertisedHost(), server.port()).write(config.connectionFile());
        }
    }

    /**
     * Starts the driver once every worker of {@code world} (ranks 1..size-1) has registered.
     *
     * @param shutDown what a client's allowed SHUT_DOWN runs, or null if clients may not stop the server
     */
    public static DriverProcess start(ServerConfig config, Communicator world, EventLoopGroup group, Runnable shutDown) {
        return new DriverProcess(config, world, group, shutDown);
    }

    /** @return the driver's port */
    public int port() {
        return server.port();
    }

    public Driver driver() {
        return driver;
    }

    /**
     * The job is ending without a clean stop (under MPI: a rank died, and mpirun is stopping the others):
     * every client waiting on the workers gets an ERROR reply saying so, and the connection file goes.
     */
    public void abandon(String why) {
        control.abandon(why);
        removeConnectionFile();
    }

    /** Stops serving clients, stops the workers, and removes the connection file. */
    @Override
    public void close() {
        server.close();
        control.close();
        removeConnectionFile();
    }

    /** Deletes the connection file if it still names this server, so clients do not try a dead one. */
    private void removeConnectionFile() {
        Path file = config.connectionFile();
        if (file == null) {
            return;
        }
        try {
            ConnectionFile f = ConnectionFile.read(file);
            if (f.port() == server.port() && f.host().equals(config.advertisedHost())) {
                Files.deleteIfExists(file);
            }
        } catch (RuntimeException | java.io.IOException e) {
            LOG.debug("leaving connection file {}: {}", file, e.toString());
        }
    }
}
