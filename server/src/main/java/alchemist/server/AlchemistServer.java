package alchemist.server;

import alchemist.protocol.MessageFrameDecoder;
import alchemist.server.blas.OpenBlas;
import alchemist.server.blas.SingleThreadedBlas;
import alchemist.server.comm.InProcessFabric;
import alchemist.server.control.WorkerControlLoop;
import alchemist.server.driver.Driver;
import alchemist.server.worker.Worker;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Alchemist server in embedded mode: the driver and N workers as threads of this JVM, each on its own
 * TCP port, talking through an in-process {@code Communicator}. For tests, laptops, and the Spark
 * driver. {@code try (AlchemistServer s = AlchemistServer.embedded(2)) { ... s.port() ... }}.
 *
 * <p>Cores: OpenBLAS's thread pool serves one caller at a time, so while the server runs, OpenBLAS runs each
 * call in its caller's thread ({@link SingleThreadedBlas}) and the workers' calls run side by side; each worker
 * gets {@link ServerConfig#threadsPerWorker()} threads of its own for its tasks' pieces (by default its share
 * of the cores, {@code max(1, cores / workers)}).
 *
 * <p>Lifecycle: built and started by {@link Builder#start()}, accepting clients until {@link #close()}
 * (or an allowed SHUT_DOWN). Thread-safe.
 */
public final class AlchemistServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlchemistServer.class);

    private final ServerConfig config;
    private final EventLoopGroup group;
    private final List<Worker> workers = new ArrayList<>();
    private final DriverProcess driverProcess;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final SingleThreadedBlas.Lease blas;
    private volatile boolean closed;

    private AlchemistServer(ServerConfig config) {
        this.config = config;
        this.blas = SingleThreadedBlas.acquire();
        LOG.info("embedded server: {} cores, {} workers, {} threads per worker for tasks, OpenBLAS {}",
                Runtime.getRuntime().availableProcessors(), config.numWorkers(), config.threadsPerWorker(),
                OpenBlas.available() ? OpenBlas.numThreads() + " thread per call" : "thread control not available");
        this.group = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        InProcessFabric fabric = new InProcessFabric(config.numWorkers() + 1);
        for (int rank = 1; rank <= config.numWorkers(); rank++) {
            Worker w = Worker.start(rank, config, group);
            workers.add(w);
            Thread loop = new Thread(new WorkerControlLoop(fabric.communicator(rank), w), "alchemist-worker-" + rank);
            loop.setDaemon(true);
            loop.start();
        }
        driverProcess = DriverProcess.start(config, fabric.communicator(0), group,
                config.allowShutdown() ? this::closeOnceStarted : null);
        started.countDown();
    }

    /**
     * A client's SHUT_DOWN (run on a thread of its own) may come as soon as the driver accepts clients,
     * before this server's constructor has finished; it waits for the end of it.
     */
    private void closeOnceStarted() {
        boolean interrupted = false;
        while (true) {
            try {
                started.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return a builder with embedded defaults: loopback, ephemeral ports, 64 MiB messages */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts an embedded server with {@code workers} workers on ephemeral loopback ports. */
    public static AlchemistServer embedded(int workers) {
        return builder().workers(workers).start();
    }

    /** @return the driver's port */
    public int port() {
        return driverProcess.port();
    }

    /** @return the address clients connect to */
    public String host() {
        return config.advertisedHost();
    }

    public ServerConfig config() {
        return config;
    }

    /** @return the workers of this JVM (for tests and monitoring) */
    public List<Worker> workers() {
        return List.copyOf(workers);
    }

    /** @return the driver (for tests and monitoring) */
    public Driver driver() {
        return driverProcess.driver();
    }

    /** Blocks until the server stops. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting, stops the workers, and releases every port and thread. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        driverProcess.close();
        workers.forEach(Worker::close);
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        blas.close();
        stopped.countDown();
        LOG.info("Alchemist server stopped");
    }

    /** Builds a {@link ServerConfig} and starts a server with it. */
    public static final class Builder {
        private int workers = 2;
        private String bindHost = "127.0.0.1";
        private String advertisedHost;
        private int port;
        private Integer workerPortBase;
        private long maxMessageBytes = MessageFrameDecoder.DEFAULT_MAX_BODY_LENGTH;
        private long maxWorkerMemory = -1;
        private int workersPerHeap = -1;
        private int threadsPerWorker = -1;
        private Path libraryDir;
        private boolean allowShutdown;
        private Path connectionFile;

        /** @param n number of workers, ≥ 1 */
        public Builder workers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("a server needs at least one worker, not " + n);
            }
            this.workers = n;
            return this;
        }

        /** @param host address to bind; also advertised unless {@link #advertisedHost} says otherwise */
        public Builder host(String host) {
            this.bindHost = host;
            return this;
        }

        /** @param host the address clients are told to connect to (when binding 0.0.0.0) */
        public Builder advertisedHost(String host) {
            this.advertisedHost = host;
            return this;
        }

        /** @param port driver port; 0 (the default here) for an ephemeral one */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** @param base worker r listens on base + r; 0 for ephemeral ports (default: the driver port, or 0) */
        public Builder workerPortBase(int base) {
            this.workerPortBase = base;
            return this;
        }

        /** @param bytes largest message body accepted; at least 64 MiB */
        public Builder maxMessageBytes(long bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * @param n how many workers share this JVM's heap, for the default memory limit (3/4 of the heap
         *          split between them): all of them when embedded (the default), 1 for an MPI rank
         */
        public Builder workersPerHeap(int n) {
            this.workersPerHeap = n;
            return this;
        }

        /**
         * @param n threads each worker's tasks may keep busy, ≥ 1 (default: the worker's share of the cores,
         *          {@code max(1, availableProcessors / workers)})
         */
        public Builder threadsPerWorker(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads per worker must be at least 1, not " + n);
            }
            this.threadsPerWorker = n;
            return this;
        }

        /** @param bytes matrix bytes one worker may hold (default: 3/4 of the heap shared by the workers) */
        public Builder maxWorkerMemory(long bytes) {
            this.maxWorkerMemory = bytes;
            return this;
        }

        /** @param dir the only directory libraries load from */
        public Builder libraryDir(Path dir) {
            this.libraryDir = dir;
            return this;
        }

        /** @param allow whether a client's SHUT_DOWN stops the server */
        public Builder allowShutdown(boolean allow) {
            this.allowShutdown = allow;
            return this;
        }

        /** @param file where to write host and port once the server accepts clients */
        public Builder connectionFile(Path file) {
            this.connectionFile = file;
            return this;
        }

        /** @return the configuration this builder describes */
        public ServerConfig config() {
            int sharing = workersPerHeap > 0 ? workersPerHeap : workers;
            long memory = maxWorkerMemory > 0 ? maxWorkerMemory : Runtime.getRuntime().maxMemory() / 4 * 3 / sharing;
            String advertised = advertisedHost != null ? advertisedHost
                    : "0.0.0.0".equals(bindHost) ? "127.0.0.1" : bindHost;
            int base = workerPortBase != null ? workerPortBase : port;
            int threads = threadsPerWorker > 0 ? threadsPerWorker
                    : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
            return new ServerConfig(workers, bindHost, advertised, port, base, maxMessageBytes, memory, threads,
                    libraryDir, allowShutdown, connectionFile);
        }

        /** Starts the server; it accepts clients when this returns. */
        public AlchemistServer start() {
            return new AlchemistServer(config());
        }
    }
}
